"""The screens the README shows, exactly as printed (no colour: output is captured).

Each test runs the real command against the test catalogue (tests/data) at 160
columns and compares every character, so a change to a screen shows up here as a
diff to review.
"""

from __future__ import annotations

from textwrap import dedent

from dltrack.render.style import Line, text


def screen(text: str) -> str:
    return dedent(text).lstrip("\n")


def test_next_on_a_new_database(run) -> None:
    assert run("next").out == screen(
        """
        深度学习基础  (basics)  0/5 done
        · 1  卷积神经网络入门
            一、学习资源 · article
            https://example.org/cnn
        Mark it read: dltrack done 1    open it: dltrack open 1
        """
    )


def test_next_puts_what_is_being_read_first(run) -> None:
    run("start", "5")
    assert run("next", "-n", "2").out == screen(
        """
        深度学习基础  (basics)  0/5 done
        ▶ 5  [bold]Attention[/bold] is all you need
            二、基础介绍文章 · paper · reading
            https://arxiv.org/abs/1706.03762
        · 1  卷积神经网络入门
            一、学习资源 · article
            https://example.org/cnn
        Mark it read: dltrack done 5    open it: dltrack open 5
        """
    )


def test_done_answers_with_the_stage_s_progress(run) -> None:
    assert run("done", "1").out == screen(
        """
        ✓ 1  卷积神经网络入门  — done
        basics › 一、学习资源  1/3 done  ███████░░░░░░░░░░░░░ 33%
        basics › 二、基础介绍文章  1/3 done  ███████░░░░░░░░░░░░░ 33%
        basics  1/5 done in the track · 20%
        cv-path › 2、卷积  1/1 done  ████████████████████ 100%
        cv-path  1/2 done in the track · 50%
        """
    )
    assert run("done", "1,2").out == screen(
        """
        ✓ 2  深度学习资料大全  — done
          1  was already done
        basics › 一、学习资源  2/3 done  █████████████░░░░░░░ 67%
        basics › 二、基础介绍文章  1/3 done  ███████░░░░░░░░░░░░░ 33%
        basics  2/5 done in the track · 40%
        cv-path › 2、卷积  1/1 done  ████████████████████ 100%
        cv-path  1/2 done in the track · 50%
        """
    )


def test_list_shows_items_under_their_stages(run) -> None:
    run("done", "1")
    assert run("list").out == screen(
        """
        深度学习基础  (basics)
        一、学习资源
          1  ✓ done     卷积神经网络入门
          2  · unread   深度学习资料大全
          3  · unread   花书《深度学习》
        二、基础介绍文章
          4  · unread   ＣＮＮ 与 RNN 的区别
          1  ✓ done     卷积神经网络入门
          5  · unread   [bold]Attention[/bold] is all you need
        """
    )


def test_list_shows_control_characters_escaped(run) -> None:
    assert run("list", "-t", "cv-path").out == screen(
        """
        CV 算法工程师之路  (cv-path)
        1、Linux
          6  · unread   Linux 常用命令\\x1b[31m红色
        2、卷积
          1  · unread   卷积神经网络入门
        """
    )


def test_a_line_of_pieces_is_the_text_its_appends_make() -> None:
    pieces = [("  + 21 ", "green"), ("Title\x1b[31m", ""), ("", "dim"), ("  ", ""), ("u", "dim")]
    built = text(*pieces[0])
    for piece in pieces[1:]:
        built.append(text(*piece))
    line = Line(*pieces)
    assert line.plain == built.plain == "  + 21 Title\\x1b[31m  u"
    shown = line.__rich__()
    assert (shown.plain, shown.style, shown.spans) == (built.plain, built.style, built.spans)
