"""URL unwrapping, cleaning and canonical comparison keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dltrack.catalogue.model import is_http_url
from dltrack.importer.kinds import guess_kind
from dltrack.importer.urls import canonical, clean, host_and_path, host_of, unwrap

ZHIHU = "https://link.zhihu.com/?target="
WECHAT = "http://mp.weixin.qq.com/s?__biz=QUJD==&mid=42&idx=2&sn=abc"


# -- unwrap -------------------------------------------------------------------------------------


def test_unwrap_zhihu_redirector_percent_decodes_the_target() -> None:
    url = ZHIHU + "https%3A//example.org/page%3Fa%3D1%26b%3D2"
    assert unwrap(url) == "https://example.org/page?a=1&b=2"


def test_unwrap_http_zhihu_redirector() -> None:
    assert unwrap("http://link.zhihu.com/?target=http%3A//colah.github.io/") == (
        "http://colah.github.io/"
    )


def test_unwrap_decodes_the_target_exactly_once() -> None:
    # The page's own escapes (%E6... in a wiki title) must survive unwrapping.
    url = ZHIHU + "http%3A//wiki.example.org/index.php/A%25E6%2595%2599"
    assert unwrap(url) == "http://wiki.example.org/index.php/A%E6%95%99"


def test_unwrap_baidu_scholar_sc_vurl() -> None:
    url = (
        "http://xueshu.baidu.com/s?wd=paperuri%3A%28d7da%29&filter=sc_long_sign"
        "&sc_vurl=http%3A%2F%2Farxiv.org%2Fabs%2F1502.01852&ie=utf-8"
    )
    assert unwrap(url) == "http://arxiv.org/abs/1502.01852"


def test_unwrap_repeatedly_zhihu_then_baidu_scholar() -> None:
    url = (
        ZHIHU + "http%3A//xueshu.baidu.com/s%3Fwd%3Dpaperuri%253A%2528x%2529"
        "%26sc_vurl%3Dhttp%253A%252F%252Farxiv.org%252Fabs%252F1512.03385%26ie%3Dutf-8"
    )
    assert unwrap(url) == "http://arxiv.org/abs/1512.03385"


def test_unwrap_double_encoded_target() -> None:
    assert unwrap(ZHIHU + "https%253A%252F%252Fexample.org%252Fx") == "https://example.org/x"


def test_unwrap_scheme_relative_target() -> None:
    assert unwrap("https://link.juejin.cn/?target=%2F%2Fexample.org%2Fa") == (
        "https://example.org/a"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://www.google.com/url?q=https%3A%2F%2Fexample.org%2Fg&sa=D",
        "https://www.jianshu.com/go-wild?ac=2&url=https%3A%2F%2Fexample.org%2Fg",
        "https://links.jianshu.com/go?to=https%3A%2F%2Fexample.org%2Fg",
        "https://www.douban.com/link2/?url=https%3A%2F%2Fexample.org%2Fg",
    ],
)
def test_unwrap_other_redirectors(url: str) -> None:
    assert unwrap(url) == "https://example.org/g"


def test_unwrap_leaves_ordinary_pages_of_redirector_hosts_alone() -> None:
    # google.com/search?q=... is a page, not a redirect, even though it has q=.
    url = "https://www.google.com/search?q=https%3A%2F%2Fexample.org"
    assert unwrap(url) == url


def test_unwrap_ignores_a_target_that_is_not_a_web_address() -> None:
    url = ZHIHU + "javascript%3Aalert(1)"
    assert unwrap(url) == url


def test_unwrap_stops_on_a_redirector_pointing_at_itself() -> None:
    url = "https://link.zhihu.com/?target=https%3A//link.zhihu.com/%3Ftarget%3Dhttps%253A//link.zhihu.com/"
    assert unwrap(url).startswith("https://link.zhihu.com/")


# -- clean --------------------------------------------------------------------------------------


def test_clean_drops_wechat_noise_but_keeps_the_article_address() -> None:
    url = WECHAT + "&chksm=871b&scene=21&srcid=0930&mpshare=1&pass_ticket=x%2F3#wechat_redirect"
    assert clean(url) == WECHAT


@pytest.mark.parametrize(
    "param",
    [
        "token=1",
        "lang=zh_CN",
        "from=timeline",
        "isappinstalled=0",
        "sharer_sharetime=1",
        "sharer_shareid=abc",
        "exportkey=A",
        "clicktime=1",
        "enterid=1",
        "ascene=1",
        "devicetype=x",
        "version=1",
        "nettype=WIFI",
        "abtest_cookie=x",
        "wx_header=1",
    ],
)
def test_clean_drops_each_wechat_tracking_parameter(param: str) -> None:
    assert clean(f"{WECHAT}&{param}") == WECHAT


def test_clean_keeps_http_as_written() -> None:
    assert clean("http://example.org/a").startswith("http://")
    assert clean("https://example.org/a").startswith("https://")


def test_clean_drops_utm_and_spm_everywhere_and_keeps_parameter_order() -> None:
    url = "https://Example.org/p?z=1&utm_source=x&a=2&spm=a.b&utm_medium=y"
    assert clean(url) == "https://Example.org/p?z=1&a=2"


def test_clean_drops_zhihu_tracking() -> None:
    assert clean("https://zhuanlan.zhihu.com/p/27064536?group_id=851") == (
        "https://zhuanlan.zhihu.com/p/27064536"
    )
    assert clean("https://www.zhihu.com/question/27239198?rf=24827633") == (
        "https://www.zhihu.com/question/27239198"
    )


def test_clean_keeps_wechat_parameter_names_on_other_hosts() -> None:
    # "from", "version", "lang" mean something on ordinary sites.
    url = "https://example.org/api?from=2020&version=3&lang=en"
    assert clean(url) == url


def test_clean_keeps_a_meaningful_fragment_and_drops_junk_ones() -> None:
    assert clean("https://example.org/doc.html#forward") == "https://example.org/doc.html#forward"
    assert clean("https://example.org/doc.html#rd") == "https://example.org/doc.html"
    assert (
        clean("https://mp.weixin.qq.com/s/AbCdEf#anything") == "https://mp.weixin.qq.com/s/AbCdEf"
    )


def test_clean_unwraps_first() -> None:
    url = (
        ZHIHU
        + "https%3A//mp.weixin.qq.com/s%3F__biz%3DQUJD%3D%3D%26mid%3D1%26idx%3D1"
        + "%26sn%3Dx%26scene%3D1%23rd"
    )
    assert clean(url) == "https://mp.weixin.qq.com/s?__biz=QUJD==&mid=1&idx=1&sn=x"


def test_clean_encodes_whitespace() -> None:
    assert clean("https://example.org/a b") == "https://example.org/a%20b"


# -- canonical ----------------------------------------------------------------------------------


def test_canonical_lowercases_scheme_and_host_and_drops_default_port() -> None:
    assert canonical("HTTPS://Example.ORG:443/Path") == "https://example.org/Path"
    assert canonical("http://example.org:80/") == "https://example.org/"
    assert canonical("https://example.org:8443/") == "https://example.org:8443/"


def test_canonical_treats_http_and_https_as_the_same() -> None:
    assert canonical("http://example.org/a") == canonical("https://example.org/a")


def test_canonical_drops_fragment_and_sorts_query() -> None:
    assert canonical("https://example.org/a?b=2&a=1#section") == "https://example.org/a?a=1&b=2"


def test_canonical_drops_tracking_parameters() -> None:
    assert canonical("https://example.org/a?utm_source=x&id=3&spm=1.2") == canonical(
        "https://example.org/a?id=3"
    )
    assert canonical("https://www.zhihu.com/question/1?rf=2") == canonical(
        "https://www.zhihu.com/question/1"
    )


def test_canonical_wechat_long_links_compare_by_biz_mid_idx() -> None:
    a = "http://mp.weixin.qq.com/s?__biz=QUJD==&mid=42&idx=2&sn=abc&chksm=1&scene=21#wechat_redirect"
    b = "https://mp.weixin.qq.com/s?idx=2&mid=42&__biz=QUJD%3D%3D&sn=abc&scene=27#rd"
    c = "https://mp.weixin.qq.com/s?__biz=QUJD==&mid=42&idx=3&sn=def"
    assert canonical(a) == canonical(b)
    assert canonical(a) != canonical(c)
    assert canonical(a) == "https://mp.weixin.qq.com/s?__biz=QUJD%3D%3D&mid=42&idx=2"


def test_canonical_old_wechat_appmsg_form_matches_the_long_form() -> None:
    old = "http://mp.weixin.qq.com/mp/appmsg/show?__biz=QUJD==&appmsgid=42&itemidx=2&sign=x"
    assert canonical(old) == canonical(WECHAT)


def test_canonical_wechat_short_links_stay_as_they_are() -> None:
    assert (
        canonical("https://mp.weixin.qq.com/s/Xy_Z-12ab") == "https://mp.weixin.qq.com/s/Xy_Z-12ab"
    )


def test_canonical_unwraps_redirectors() -> None:
    assert canonical(ZHIHU + "https%3A//example.org/x") == canonical("https://example.org/x")


def test_canonical_normalises_percent_escapes() -> None:
    assert canonical("https://example.org/UFLDL教程") == canonical(
        "https://example.org/UFLDL%e6%95%99%E7%A8%8B"
    )
    assert canonical("https://example.org/%7Euser") == canonical("https://example.org/~user")


def test_host_of() -> None:
    assert host_of("https://Example.org:8080/x") == "example.org"
    assert host_of("not a url") == ""
    assert host_of("http://[::1") == ""


# -- never raising ------------------------------------------------------------------------------

_URLISH = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda scheme, host, rest: f"{scheme}://{host}{rest}",
        st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
        st.sampled_from(
            ["link.zhihu.com", "mp.weixin.qq.com", "xueshu.baidu.com", "example.org", "[::1", ""]
        ),
        st.text(alphabet="/?&=#%:@[]abcXYZ019 _-.~\u6559", max_size=40),
    ),
)


@given(_URLISH)
def test_functions_never_raise_and_return_strings(url: str) -> None:
    for function in (unwrap, clean, canonical, host_of):
        assert isinstance(function(url), str)


_QUERY_NAMES = ["target", "sc_vurl", "__biz", "mid", "idx", "sn", "utm_source", "from", "rf"]
_QUERY_NAMES += ["spm", "a", "chksm"]
_WEB_URL = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}://{host}{port}{path}" + ("?" + "&".join(query) if query else "") + fragment
    ),
    st.sampled_from(["http", "https", "HTTP"]),
    st.sampled_from(
        ["link.zhihu.com", "mp.weixin.qq.com", "xueshu.baidu.com", "Example.ORG", "www.zhihu.com"]
    ),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.text(alphabet="/abcXYZ019%~._-\u6559", max_size=20),
    st.lists(
        st.builds(
            "{}={}".format,
            st.sampled_from(_QUERY_NAMES),
            st.text(alphabet="abc012%=:/+", max_size=12),
        ),
        max_size=5,
    ),
    st.sampled_from(["", "#wechat_redirect", "#rd", "#section"]),
)


@given(_WEB_URL)
def test_clean_and_canonical_are_idempotent(url: str) -> None:
    assert clean(clean(url)) == clean(url)
    assert canonical(canonical(url)) == canonical(url)


# Plain links (http(s), a lower-case host, a path of unescaped characters, nothing more)
# are read without being parsed (dltrack.hosts.plain_url); the same link with an empty
# query or fragment is read by the general code, and must read the same.
_PLAIN_URL = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}{path}",
    st.sampled_from(["http", "https"]),
    st.one_of(
        st.sampled_from(
            ["link.zhihu.com", "mp.weixin.qq.com", "www.google.com", "href.li", "github.com"]
        ),
        st.lists(st.text(alphabet="az09-", min_size=1, max_size=6), min_size=1, max_size=4).map(
            ".".join
        ),
    ),
    st.one_of(
        st.just(""), st.text(alphabet="/azAZ09_.~:@!$&'()*+,;=-", max_size=30).map("/{}".format)
    ),
)


@given(_PLAIN_URL, st.sampled_from(["?", "#", "?#"]))
def test_plain_links_read_as_the_general_code_reads_them(url: str, empty: str) -> None:
    assert clean(url) == url == clean(url + empty)
    assert canonical(url) == canonical(url + empty)
    assert host_of(url) == host_of(url + empty)
    assert host_and_path(url) == host_and_path(url + empty)
    assert guess_kind("x", url) == guess_kind("x", url + empty)
    assert is_http_url(url) == is_http_url(url + empty)


# -- one paper, one address -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/1512.03385",
        "http://arxiv.org/abs/1512.03385",
        "https://arxiv.org/pdf/1512.03385",
        "https://arxiv.org/pdf/1512.03385.pdf",
        "https://arxiv.org/pdf/1512.03385v2.pdf",
        "https://arxiv.org/abs/1512.03385v1",
        "https://www.arxiv.org/abs/1512.03385",
        "http://export.arxiv.org/abs/1512.03385",
    ],
)
def test_every_spelling_of_an_arxiv_paper_is_one_paper(url: str) -> None:
    assert canonical(url) == "https://arxiv.org/abs/1512.03385"
    assert clean(url).startswith("https://arxiv.org/abs/1512.03385")


def test_arxiv_keeps_a_pinned_version_and_old_style_ids() -> None:
    assert clean("https://arxiv.org/pdf/1603.09382v3.pdf") == "https://arxiv.org/abs/1603.09382v3"
    assert clean("https://arxiv.org/pdf/1603.09382.pdf") == "https://arxiv.org/abs/1603.09382"
    assert clean("http://arxiv.org/abs/cs/0112017v1") == "https://arxiv.org/abs/cs/0112017v1"
    # Pages that are not one paper stay as written.
    assert clean("https://arxiv.org/list/cs.LG/recent") == "https://arxiv.org/list/cs.LG/recent"


@pytest.mark.parametrize(
    "url",
    [
        "https://doi.org/10.1038/nature14539",
        "http://doi.org/10.1038/nature14539",
        "http://dx.doi.org/10.1038/nature14539",
        "https://dx.doi.org/10.1038/NATURE14539",
    ],
)
def test_doi_links_are_one_paper(url: str) -> None:
    assert canonical(url) == "https://doi.org/10.1038/nature14539"
    assert clean(url).lower() == "https://doi.org/10.1038/nature14539"


def test_www_and_the_bare_host_are_one_page() -> None:
    assert canonical("https://www.example.org/a") == canonical("http://example.org/a")
    assert canonical("https://www.example.org/a?x=1") == canonical("https://example.org/a?x=1")
    # Stored as written: only the comparison ignores it.
    assert clean("https://www.example.org/a") == "https://www.example.org/a"


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        ("https://zhuanlan.zhihu.com/p/1?refer=column", "https://zhuanlan.zhihu.com/p/1"),
        (
            "https://mp.weixin.qq.com/s?__biz=QUJD&mid=1&idx=1&sn=x&xtrack=1",
            "https://mp.weixin.qq.com/s?__biz=QUJD&mid=1&idx=1&sn=x",
        ),
        (
            "https://www.bilibili.com/video/BV1x?p=3&from=search&seid=9&spm_id_from=1.2"
            "&vd_source=abc",
            "https://www.bilibili.com/video/BV1x?p=3",
        ),
        (
            "https://study.163.com/course/1.htm?_trace_c_p_k2_=ab&share=1",
            "https://study.163.com/course/1.htm?share=1",
        ),
        ("https://example.org/a?from_source=feed&id=2", "https://example.org/a?id=2"),
        # "from" is tracking only on the hosts known to use it that way.
        ("https://example.org/a?from=2020", "https://example.org/a?from=2020"),
    ],
)
def test_tracking_parameters_are_dropped(url: str, cleaned: str) -> None:
    assert clean(url) == cleaned
    assert canonical(url) == canonical(cleaned)


def test_escaped_ampersands_are_read_back() -> None:
    assert clean("https://example.org/a?x=1&amp;y=2") == "https://example.org/a?x=1&y=2"
    assert clean("https://example.org/a?x=1&amp;amp;y=2") == "https://example.org/a?x=1&y=2"
    assert clean("https://example.org/a?x=1&#38;y=2") == "https://example.org/a?x=1&y=2"
    # Only the ampersand: "&para" is a parameter, not the pilcrow html.unescape makes it.
    assert clean("https://example.org/a?x=1&para=2") == "https://example.org/a?x=1&para=2"
