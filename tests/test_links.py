from llminfra.domain.links import canonical_url, is_safe_outbound

SHARED = (
    "https://mp.weixin.qq.com/s?__biz=MzYyMjA5NzMwOQ==&mid=2247485745&idx=1&sn=3763b72b5bfb05f8dcec02f2c38ae8b0"
    "&chksm=fea43da56d00d4e5&mpshare=1&scene=1&srcid=1103STYR0YREZY4TdUrofNBw"
    "&sharer_shareinfo=4d4b9ac6&sharer_shareinfo_first=4d4b9ac6#rd"
)
CANONICAL = (
    "https://mp.weixin.qq.com/s?__biz=MzYyMjA5NzMwOQ==&mid=2247485745&idx=1&sn=3763b72b5bfb05f8dcec02f2c38ae8b0"
)


def test_wechat_share_tracking_parameters_are_dropped():
    assert canonical_url(SHARED) == CANONICAL


def test_wechat_article_keys_keep_their_order_whatever_the_input_order():
    shuffled = "https://mp.weixin.qq.com/s?sn=abc&scene=1&idx=2&mid=9&__biz=XYZ==&chksm=1"
    assert canonical_url(shuffled) == "https://mp.weixin.qq.com/s?__biz=XYZ==&mid=9&idx=2&sn=abc"


def test_two_shares_of_one_article_have_one_canonical_form():
    other_share = SHARED.replace("scene=1", "scene=23").replace("srcid=1103STYR0YREZY4TdUrofNBw", "srcid=0000")
    assert canonical_url(other_share) == canonical_url(SHARED)


def test_wechat_short_links_and_other_hosts_are_kept():
    assert canonical_url("https://mp.weixin.qq.com/s/s-UapW7XsO8RmH7mmqSDaw") == (
        "https://mp.weixin.qq.com/s/s-UapW7XsO8RmH7mmqSDaw")
    assert canonical_url("HTTPS://ArXiv.org/abs/2511.11581") == "https://arxiv.org/abs/2511.11581"
    assert canonical_url("https://example.com/a?b=1#frag") == "https://example.com/a?b=1#frag"


def test_only_absolute_http_links_are_safe_outbound():
    assert is_safe_outbound("https://vllm.ai/blog")
    assert not is_safe_outbound("javascript:alert(1)")
    assert not is_safe_outbound("/relative/path")
    assert not is_safe_outbound("https://")
