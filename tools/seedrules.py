"""The curation rules of the packaged catalogue: which part of each source document is
a track, its stages in order, their English names, and the titles the link texts lack.

Used by ``tools/seedbuild.py``; a maintainer's tool, not part of the installed package.
Each rule says what the source documents do; nothing of their prose is kept here
beyond the titles and headings that identify things.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from dltrack.catalogue.model import Kind
from dltrack.importer import ExtractOptions
from dltrack.importer.extract import DEFAULT_FOOTERS


@dataclass(frozen=True)
class StageSpec:
    """One stage: the section (or lead item) of the document it comes from."""

    source: str  # the section title exactly as the document writes it
    slug: str
    title_en: str
    title: str | None = None  # only when the document gives the stage no usable name
    topics: tuple[str, ...] = ()  # lead stages: topic items, each must occur in its text


@dataclass(frozen=True)
class TrackSpec:
    """One curriculum of one document and how to read it."""

    slug: str
    title: str
    title_en: str
    markers: tuple[str, ...]  # all occur in the document that holds this track
    stages: tuple[StageSpec, ...]
    options: ExtractOptions = field(default_factory=ExtractOptions)
    begin: str | None = None  # title of the section where the curriculum starts
    end: str | None = None  # regex: a section title that ends the curriculum
    lead_section: str | None = None  # stages are the lead items of this section
    author: str | None = None
    published: date | None = None
    null_kind: Kind = Kind.TOPIC  # kind of url-less items the importer has no hint for
    retitle: Mapping[str, str] = field(default_factory=dict)  # stored URL -> title
    rekind: Mapping[str, Kind] = field(default_factory=dict)  # stored URL -> kind
    drop: frozenset[str] = frozenset()  # stored URLs that are promotion, not curriculum
    # Stored URLs whose title of SHORT_TITLE characters or fewer is the best the document
    # gives (the item's own title, or no other name for it); any other short title is
    # link text still waiting for a title (tests/test_seedbuild.py holds us to it).
    short_titles: frozenset[str] = frozenset()


# Titles this short are usually link text ("回答", "博客", "pdf"), not an article's title.
SHORT_TITLE = 6


def _steps(*titles: tuple[str, str]) -> tuple[StageSpec, ...]:
    return tuple(
        StageSpec(source, f"step-{n:02d}", english) for n, (source, english) in enumerate(titles, 1)
    )


# Michael Nielsen's book, linked twice from one sentence as "中文版" and "英文版".
_NNDL_ZH = "http://www.tensorfly.cn/home/"
_NNDL_EN = "http://neuralnetworksanddeeplearning.com/index.html"

_JIQIZHIXIN_STAGES = (
    StageSpec("一、学习资源", "resources", "Learning resources"),
    StageSpec("二、基础介绍文章", "basics", "Introductory articles"),
    StageSpec("三、技术起点", "getting-started", "Technical starting points"),
    StageSpec("四、继续进阶", "advanced", "Going further"),
    StageSpec("五、前沿研究", "frontier", "Frontier research"),
)

SPECS: tuple[TrackSpec, ...] = (
    TrackSpec(
        slug="jiqizhixin-2016",
        title="人工智能从入门到进阶，机器之心高分技术文章全集",
        title_en="AI from beginner to advanced: Synced's collected technical articles of 2016",
        markers=("机器之心高分技术文章全集",),
        stages=_JIQIZHIXIN_STAGES,
        # One title in the list lost its link in the source; it is still an item.
        options=ExtractOptions(plain_items=frozenset(s.source for s in _JIQIZHIXIN_STAGES)),
        end=r"^©",
        author="吴攀、蒋思源（机器之心）",
        published=date(2017, 1, 29),
        null_kind=Kind.ARTICLE,
    ),
    TrackSpec(
        slug="cv-engineer-25",
        title="【完结】深度学习CV算法工程师从入门到初级面试有多远，大概是25篇文章的距离",
        title_en="Deep-learning CV engineer from beginner to junior interview: about 25 articles",
        markers=("深度学习CV算法工程师从入门到初级面试有多远",),
        stages=_steps(
            ("2.1、为什么要用Linux", "Why Linux"),
            ("2、提高开发效率", "Working efficiently"),
            ("3、python基础和编程习惯", "Python basics and coding habits"),
            ("4、图像基础", "Image fundamentals"),
            ("5、OpenCV基础", "OpenCV basics"),
            ("6、CMake编译", "Building with CMake"),
            ("7、爬虫基础", "Web scraping basics"),
            ("8、数据可视化", "Data visualisation"),
            ("9、数学基础", "Mathematical foundations"),
            ("10、计算机视觉研究方向", "Research directions in computer vision"),
            ("11、应用方向", "Application areas"),
            ("12、认识学术大咖", "Know the leading researchers"),
            ("13、人工智能简史", "A short history of AI"),
            ("14、神经网络基础", "Neural network basics"),
            ("15、了解领域的突破", "Breakthroughs of the field"),
            ("16、激活函数", "Activation functions"),
            ("17、参数初始化", "Parameter initialisation"),
            ("18、归一化", "Normalisation"),
            ("19、池化", "Pooling"),
            ("20、最优化", "Optimisation"),
            ("21、泛化能力", "Generalisation"),
            ("22、模型评估", "Model evaluation"),
            ("23、损失目标", "Loss functions"),
            ("24、如何开始训练你的模型", "How to start training your model"),
            ("25、认真做一个项目", "Do a real project"),
        ),
        # The repositories the steps point to are written out as bare URLs in code blocks.
        options=ExtractOptions(bare_urls=True, code_urls=True),
        begin="2 准备哪些知识",
        # After step 25 come the author's paid video course and a list of unrelated
        # past articles: promotion, not part of the path.
        end=r"^以上内容",
        author="龙鹏-言有三",
        published=date(2019, 4, 23),
        null_kind=Kind.ARTICLE,
    ),
    TrackSpec(
        slug="zhihu-how-to-start-dl",
        title="深度学习如何入门？",
        title_en="How to get started with deep learning? (an illustrated walk-through)",
        markers=("深度学习如何入门？", "Deeper Go"),
        # The answer numbers its parts 1.-8. without naming them: the names are ours.
        stages=(
            StageSpec("", "intro", "Introduction: references", "引言：参考资料"),
            StageSpec(
                "1.", "part-1", "Binary classification and backpropagation", "1. 二分类与反向传播"
            ),
            StageSpec(
                "2.", "part-2", "Activation functions and initialisation", "2. 激活函数与参数初始化"
            ),
            StageSpec("3.", "part-3", "Autoencoders and word2vec", "3. 自动编码器与 word2vec"),
            StageSpec(
                "4.", "part-4", "RBMs and generative adversarial networks", "4. RBM 与生成对抗网络"
            ),
            StageSpec(
                "5.", "part-5", "Very deep networks and normalisation", "5. 深度网络与归一化"
            ),
            StageSpec("6.", "part-6", "Convolutional neural networks", "6. 卷积神经网络"),
            StageSpec(
                "7.", "part-7", "Recurrent networks and attention", "7. 循环神经网络与注意力"
            ),
            StageSpec("8.", "part-8", "Summary of models and applications", "8. 模型总结与应用"),
        ),
        options=ExtractOptions(numbered_sections=True),
        author="Deeper Go",
        null_kind=Kind.ARTICLE,
        # "正则项" and "梯度下降法" link WeChat articles the document names only by that
        # word, inside a sentence of its own; their titles are not in the document, so
        # the link text stays.
        short_titles=frozenset(
            {
                "https://mp.weixin.qq.com/s?__biz=MzA5ODUxOTA5Mg==&mid=2652549828&idx=1"
                "&sn=5b77192a91d593342e00a984f1132c50",
                "https://mp.weixin.qq.com/s?__biz=MzA5ODUxOTA5Mg==&mid=2652550294&idx=1"
                "&sn=820ddc89e1d1af35f14ccf645b963a76",
            }
        ),
        # Link texts that are not titles ("中文版", "博客", "回答", "戳戳戳", "推荐阅读"):
        # named from the surrounding sentence, or by the linked page's own title.
        retitle=(
            {
                _NNDL_ZH: "神经网络与深度学习（中文版）",
                _NNDL_EN: "神经网络与深度学习（英文版）",
                "http://colah.github.io/": "Colah 的博客",
                # The answer is cited for what activation functions do; the document
                # does not name the question it answers, so the title is the sentence's.
                "https://www.zhihu.com/question/22334626/answer/103835591": (
                    "激活函数的作用（颜沁睿的回答）"
                ),
                # Papers the answer links by a fragment or a nickname ("[S]r[urpassing
                # Human]", "Semantic Image Segmentation with Deep ...", "深度残差网络"): the
                # full titles are the papers' own, as arXiv gives them.
                "https://arxiv.org/abs/1502.01852": (
                    "Delving Deep into Rectifiers: Surpassing Human-Level Performance "
                    "on ImageNet Classification"
                ),
                "https://arxiv.org/abs/1412.7062": (
                    "Semantic Image Segmentation with Deep Convolutional Nets and Fully "
                    "Connected CRFs"
                ),
                "https://arxiv.org/abs/1512.03385": "Deep Residual Learning for Image Recognition",
                "https://arxiv.org/abs/1603.09382v3": (
                    "Deep Networks with Stochastic Depth（1202 层深的网络）"
                ),
                "https://arxiv.org/abs/1512.02595": (
                    "Deep Speech 2: End-to-End Speech Recognition in English and Mandarin"
                ),
                "https://arxiv.org/abs/1610.09889": (
                    "Chinese Poetry Generation with Planning based Neural Network"
                    "（“为你写诗”的模型）"
                ),
                "https://zhuanlan.zhihu.com/p/21699462": "卷积神经网络的更多介绍",
                "http://karpathy.github.io/2015/05/21/rnn-effectiveness/": (
                    "The Unreasonable Effectiveness of Recurrent Neural Networks"
                ),
                "http://distill.pub/2016/augmented-rnns/": (
                    "Attention and Augmented Recurrent Neural Networks"
                ),
            }
        ),
        # "宣传一下我们最新的工作": the author's own paper, put first; not part of the answer.
        drop=frozenset({"https://zhuanlan.zhihu.com/p/100558627"}),
        rekind=(
            {
                _NNDL_ZH: Kind.BOOK,
                _NNDL_EN: Kind.BOOK,
                "http://ufldl.stanford.edu/wiki/index.php/UFLDL%E6%95%99%E7%A8%8B": Kind.COURSE,
                "http://cs.stanford.edu/people/karpathy/deepimagesent/": Kind.PAPER,
            }
        ),
    ),
    TrackSpec(
        slug="sigai-ml-dl-questions",
        title="机器学习和深度学习中值得弄清楚的一些问题",
        title_en="Questions worth getting clear in machine learning and deep learning",
        markers=("机器学习和深度学习中值得弄清楚的一些问题", "SIGAI"),
        # Only the numbered reading list is curriculum; the Q&A above it is prose, and the
        # book-shop links at the top are advertising.
        stages=(StageSpec("推荐阅读", "reading-list", "Recommended reading"),),
        options=ExtractOptions(
            heading_lines=frozenset({"推荐阅读"}),
            # Here "推荐阅读" is the author's own list, not a platform footer.
            footers=tuple(f for f in DEFAULT_FOOTERS if f != "推荐阅读"),
        ),
        begin="推荐阅读",
        author="SIGAI",
        null_kind=Kind.ARTICLE,
        # The numbered list names each of the publisher's articles by its own title, and
        # some of those are short ("理解凸优化", "k近邻算法").
        short_titles=frozenset(
            "https://mp.weixin.qq.com/s?__biz=MzU4MjQ3MDkwNA==&" + article
            for article in (
                "mid=2247484439&idx=1&sn=4fa8c71ae9cb777d6e97ebd0dd8672e7",
                "mid=2247484651&idx=1&sn=a0e4ca5edb868fe3eae9101b71dd7103",
                "mid=2247484827&idx=1&sn=043d7d0159baaddfbf92ed78ee5b1124",
                "mid=2247484954&idx=1&sn=c28b7f07c22466e91b1ef90e9dbe3ad1",
                "mid=2247485074&idx=1&sn=0ebf1bf8f49e9c46075fe3803d04c95d",
                "mid=2247485668&idx=1&sn=f70547fc671d164e28fddcea6473524d",
                "mid=2247485718&idx=1&sn=c05c217af81173ae2c1301cbda5f7131",
                "mid=2247486289&idx=1&sn=a312c951c943ad104c722e6c681823b6",
            )
        ),
    ),
    TrackSpec(
        slug="study-outline",
        title="大纲",
        title_en="Outline: a personal deep-learning study plan",
        markers=("# 大纲", "## 主要内容", "## 需要消化的"),
        stages=(
            StageSpec("主要内容", "main-topics", "Main topics"),
            StageSpec("需要消化的", "to-digest", "Resources to work through"),
        ),
        options=ExtractOptions(
            plain_items=frozenset({"主要内容", "需要消化的"}),
            books=frozenset({"需要消化的"}),
        ),
        # "补充" is a note with its citation, not reading material.
        end=r"^补充$",
        null_kind=Kind.TOPIC,
        retitle={
            # A blog's category page, linked by the category's name only: say whose it is.
            "https://blog.csdn.net/app_12062011/article/category/6673389": (
                "深度学习（CSDN 博客 app_12062011 的文章分类）"
            ),
            # Repositories linked by their names, with the book's name beside the link:
            # the two together, in the document's order.
            "https://github.com/d2l-ai/d2l-zh": "d2l-zh《动手学深度学习》",
            "https://github.com/ShusenTang/Dive-into-DL-PyTorch": (
                "《动手学深度学习》Dive-into-DL-PyTorch"
            ),
        },
    ),
    TrackSpec(
        slug="dl-course-3-modules",
        title="如何吃透深度学习？",
        title_en="How to master deep learning: a course in three modules",
        markers=("模块一：基础概念篇", "模块二：工具与框架", "模块三：经典问题的落地实战"),
        # The outline names no lessons; each module lists the topics it covers.
        stages=(
            StageSpec(
                "模块一：基础概念篇",
                "module-1-concepts",
                "Module 1: basic concepts",
                topics=("深度学习必备的数学知识", "基础概念", "神经网络结构"),
            ),
            StageSpec(
                "模块二：工具与框架",
                "module-2-tools",
                "Module 2: tools and frameworks",
                topics=("TensorFlow", "图像处理工具", "模型训练记录工具", "Jupyter Notebook"),
            ),
            StageSpec(
                "模块三：经典问题的落地实战",
                "module-3-practice",
                "Module 3: classic problems in practice",
                topics=("图像分类", "语义分割", "自然语言处理"),
            ),
        ),
        options=ExtractOptions(lead_items=frozenset({"如何吃透深度学习？"})),
        lead_section="如何吃透深度学习？",
        author="槐树",
        null_kind=Kind.TOPIC,
    ),
)
