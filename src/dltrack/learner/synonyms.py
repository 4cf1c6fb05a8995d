"""Names of the same deep-learning topic in Chinese and English, for topics to find reading.

A course outline names its topics one way (卷积神经网络) and the catalogue's articles
another (CNN, "Convolutional Neural Networks"). Each group below is one topic's names,
all equal: a topic that mentions any of them looks for all of them. A group holds a
narrower name (LSTM under 循环神经网络) only where reading on it is reading on the whole.
Terms are written as normalise() leaves text: NFKC, case-folded.

Kept to names that mean one topic: generic words (深度学习, neural network, 介绍)
would make every title match every topic.
"""

from __future__ import annotations

from typing import Final

GROUPS: Final[tuple[tuple[str, ...], ...]] = (
    ("卷积神经网络", "卷积网络", "卷积", "cnn", "convnet", "convolutional neural network",
     "convolutional network", "convolution"),
    ("循环神经网络", "递归神经网络", "rnn", "recurrent neural network", "lstm", "gru",
     "长短期记忆", "long short-term memory"),
    ("注意力", "注意力机制", "自注意力", "attention", "self-attention"),
    ("transformer", "变换器", "bert", "gpt"),
    ("生成对抗网络", "对抗生成网络", "gan", "generative adversarial network"),
    ("变分自编码器", "vae", "variational autoencoder"),
    ("自编码器", "autoencoder", "auto-encoder"),
    ("强化学习", "增强学习", "reinforcement learning", "q-learning", "dqn"),
    ("反向传播", "backpropagation", "back-propagation", "backprop"),
    ("梯度下降", "随机梯度下降", "gradient descent", "sgd"),
    ("优化", "优化器", "optimization", "optimisation", "optimizer", "adam"),
    ("正则化", "regularization", "regularisation", "dropout", "权重衰减", "weight decay"),
    ("批归一化", "批量归一化", "batch normalization", "batchnorm", "batch norm"),
    ("激活函数", "activation function", "relu", "sigmoid"),
    ("损失函数", "loss function", "交叉熵", "cross-entropy", "cross entropy"),
    ("词向量", "词嵌入", "嵌入", "word2vec", "word embedding", "embedding", "glove"),
    ("自然语言处理", "nlp", "natural language processing"),
    ("计算机视觉", "cv", "computer vision"),
    ("迁移学习", "transfer learning", "微调", "fine-tuning", "fine tuning"),
    ("目标检测", "物体检测", "object detection", "yolo", "r-cnn"),
    ("语义分割", "图像分割", "segmentation", "u-net"),
    ("图像分类", "image classification", "imagenet"),
    ("机器翻译", "machine translation", "seq2seq", "序列到序列"),
    ("语言模型", "language model", "大语言模型", "llm"),
    ("图神经网络", "gnn", "graph neural network", "图卷积", "gcn"),
    ("残差网络", "resnet", "residual network", "残差"),
    ("多层感知机", "感知机", "mlp", "multilayer perceptron", "perceptron"),
    ("线性回归", "linear regression"),
    ("逻辑回归", "logistic regression"),
    ("支持向量机", "svm", "support vector machine"),
    ("决策树", "decision tree", "随机森林", "random forest"),
    ("聚类", "clustering", "k-means", "k均值"),
    ("降维", "dimensionality reduction", "主成分分析", "pca"),
    ("贝叶斯", "bayesian", "bayes"),
    ("线性代数", "linear algebra", "矩阵", "matrix"),
    ("概率论", "概率", "probability"),
    ("扩散模型", "diffusion model"),
    ("知识蒸馏", "蒸馏", "distillation"),
    ("超参数", "hyperparameter", "调参"),
    ("过拟合", "overfitting", "欠拟合", "underfitting"),
)  # fmt: skip
