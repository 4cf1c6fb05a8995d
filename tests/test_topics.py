"""Topics point at reading: `next` and `show` rank the catalogue's items on an item with no link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dltrack.learner.topics import mentions, names_of

URL = "https://example.org/"


def _item(item_id: int, title: str, kind: str | None = None) -> dict[str, object]:
    if kind == "topic":
        return {"id": item_id, "title": title, "kind": "topic"}
    return {"id": item_id, "title": title, "url": f"{URL}{item_id}"}


def _catalogue(path: Path) -> None:
    """Two tracks: an outline of bare topics with articles on them, and another track."""
    topics = [
        _item(1, "卷积神经网络", "topic"),
        _item(2, "生成对抗网络", "topic"),
        _item(3, "模型压缩", "topic"),
        _item(4, "基本概念", "topic"),
        _item(5, "YOLO", "topic"),
    ]
    articles = [
        _item(10, "A Guide to Convolutional Neural Networks"),
        _item(11, "卷积神经网络入门"),
        _item(12, "循环神经网络简介"),  # shares 神经网络 only: another topic
        _item(13, "图解卷积神经网络"),
        _item(14, "CNNs explained"),
        _item(15, "Organ transplants and their history"),  # gan inside a word
        _item(16, "GANs in practice"),
        _item(17, "概念与基本方法"),  # 基本概念 in other words
        _item(18, "深度学习的基本概念"),
        _item(31, "目标检测综述"),
        _item(20, "图像压缩算法"),  # one of 模型压缩's two pairs (压缩; 模型 says nothing)
        {"id": 19, "title": "卷积神经网络笔记", "kind": "book"},  # nothing to open
        _item(23, "YOLOv3 and object detection"),  # yolo inside a word; a synonym all the same
    ]
    other = [
        _item(30, "目标检测", "topic"),
        _item(32, "目标检测实战"),
        _item(11, "卷积神经网络入门"),  # in both tracks: on the outline's topic all the same
    ]
    tracks = [
        {"slug": "outline", "title": "大纲", "stages": [
            {"slug": "topics", "title": "主题", "items": topics},
            {"slug": "reading", "title": "阅读", "items": articles},
        ]},
        {"slug": "other", "title": "其他", "stages": [
            {"slug": "vision", "title": "视觉", "items": other},
        ]},
    ]  # fmt: skip
    path.write_text(json.dumps({"schema": 1, "catalogue": "topics", "tracks": tracks}))


@pytest.fixture
def topics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads the catalogue above."""
    catalogue = tmp_path / "topics.json"
    _catalogue(catalogue)
    monkeypatch.setenv("DLTRACK_SEED", str(catalogue))


def _on_topic(run, *args: str) -> list[int]:  # type: ignore[no-untyped-def]
    result = run(*args, "--json")
    assert result.code == 0, result.err
    return [h["id"] for h in json.loads(result.out)["on_topic"]]


def test_own_name_first_then_synonyms_in_english_in_catalogue_order(run, topics) -> None:
    # 11 and 13 hold 卷积神经网络; 10 and 14 name it in English (CNN, convolutional
    # neural network); 12 is on recurrent networks; 19 has nothing to open.
    assert _on_topic(run, "next") == [11, 13, 10, 14]
    assert _on_topic(run, "show", "1") == [11, 13, 10, 14]


def test_an_english_abbreviation_is_a_word_not_letters_in_a_word(run, topics) -> None:
    assert _on_topic(run, "show", "2") == [16]  # GANs, not Organ


def test_a_title_in_other_words_comes_after_the_name_itself(run, topics) -> None:
    # 17 holds two of 基本概念's three pairs (基本, 概念); 18 holds the name.
    assert _on_topic(run, "show", "4") == [18, 17]


def test_unread_items_come_before_read_ones(run, topics) -> None:
    assert run("done", "11").code == 0
    assert _on_topic(run, "show", "1") == [13, 11, 10, 14]
    assert run("skip", "13").code == 0
    assert _on_topic(run, "show", "1") == [11, 13, 10, 14]


def test_the_topics_own_track_comes_first(run, topics) -> None:
    # 31 comes first in the catalogue, but 32 stands in the topic's track; 23 names
    # the topic in English.
    assert _on_topic(run, "show", "30") == [32, 31, 23]


def test_catalogue_order_holds_across_what_was_found_first(run, topics) -> None:
    # All three name 目标检测 (YOLO's group) and none YOLO as a word: 31 comes before
    # 23 in the catalogue though 23 holds the letters of yolo; 32 is in another track.
    assert _on_topic(run, "show", "5") == [31, 23, 32]


def test_a_topic_with_many_items_on_its_own_name(run, tmp_path, monkeypatch) -> None:
    items = [_item(1, "Dropout", "topic"), _item(2, "正则化入门")]
    items += [_item(n, f"Dropout, part {n}") for n in range(10, 16)]
    track = {"slug": "t", "title": "T", "stages": [{"slug": "s", "title": "S", "items": items}]}
    catalogue = tmp_path / "many.json"
    catalogue.write_text(json.dumps({"schema": 1, "catalogue": "many", "tracks": [track]}))
    monkeypatch.setenv("DLTRACK_SEED", str(catalogue))
    assert _on_topic(run, "next") == [10, 11, 12, 13, 14]  # not 正则化入门: its name is not
    assert run("done", "11", "12").code == 0
    assert _on_topic(run, "next") == [10, 13, 14, 15, 11]


def test_show_lists_them_in_text_and_json_as_next_does(run, topics) -> None:
    shown = run("show", "1")
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    start = lines.index("Nothing to open; on this in the catalogue:")
    assert [line.split()[1] for line in lines[start + 1 : start + 5]] == ["11", "13", "10", "14"]
    assert "(more on it: dltrack search 卷积神经网络)" in lines[start + 5]
    on_show = json.loads(run("show", "1", "--json").out)["on_topic"]
    assert on_show == json.loads(run("next", "--json").out)["on_topic"]
    assert on_show[2] == {
        "id": 10,
        "title": "A Guide to Convolutional Neural Networks",
        "url": f"{URL}10",
        "status": "unread",
    }


def test_no_search_hint_when_only_synonyms_matched(run, topics) -> None:
    # `search 生成对抗网络` would find nothing: the hint would send the learner nowhere.
    out = run("show", "2").out
    assert "GANs in practice" in out
    assert "dltrack search" not in out


def test_a_topic_with_nothing_on_it_says_so(run, topics) -> None:
    shown = run("show", "3")
    assert shown.code == 0, shown.err
    assert "Nothing to open, and no other item of the catalogue is on this yet." in shown.out
    assert json.loads(run("show", "3", "--json").out)["on_topic"] == []


def test_in_chinese(run, topics, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLTRACK_LANG", "zh")
    assert "这一项没有链接可打开；目录里讲这个的有：" in run("show", "1").out
    assert "（更多：dltrack search 卷积神经网络）" in run("show", "1").out
    assert "目录里也还没有别的条目讲这个" in run("show", "3").out


def test_an_item_with_a_link_gets_nothing_more(run, topics) -> None:
    shown = run("show", "11")
    assert "Nothing to open" not in shown.out
    assert json.loads(run("show", "11", "--json").out)["on_topic"] == []
    for topic in ("1", "2", "3", "4", "5"):
        assert run("done", topic).code == 0
    data = json.loads(run("next", "--json").out)
    assert data["items"][0]["id"] == 10
    assert data["on_topic"] == []
    assert "Nothing to open" not in run("next").out


def test_names_of_a_topic() -> None:
    assert names_of("卷积神经网络 CNN")[:3] == ["卷积神经网络 cnn", "卷积神经网络", "cnn"]
    assert "convolutional neural network" in names_of("ＣＮＮ")  # full-width, any case
    assert "attention" in names_of("注意力机制")
    assert names_of("模型压缩") == ["模型压缩"]
    assert mentions("cnns explained", "cnn")
    assert not mentions("organ transplants", "gan")
    assert not mentions("ganache", "gan")
