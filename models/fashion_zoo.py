"""The Fashion-MNIST models qmlir's quantization bench uses (torch modules).

- ``cnn``: the bundled default model (train_fashion_cnn.build_model).
- ``resnet``: a small residual network (two residual blocks, Add + Relu).
- ``vgg``: a VGG-style stack of 3x3 convolutions and max pools, ending in
  Flatten, two Linear layers and Softmax.
- ``mobilenet``: a MobileNet-v1-style depthwise-separable network (3x3
  depthwise + 1x1 pointwise blocks, batch norm and ReLU6 after every conv),
  the kind of network cross-layer equalization and bias correction target.

Every module exports to ONNX with its BatchNormalization nodes kept and its
initializers named like its state_dict, so ``load_from_onnx`` rebuilds the
trained torch module from the committed .onnx file alone.
"""
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def conv_bn(cin, cout, stride=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(cout))


class ResidualBlock(nn.Module):
    """conv-bn-relu, conv-bn, + input, relu."""

    def __init__(self, channels):
        super().__init__()
        self.a = conv_bn(channels, channels)
        self.b = conv_bn(channels, channels)

    def forward(self, x):
        y = torch.relu(self.a(x))
        return torch.relu(self.b(y) + x)


class SmallResNet(nn.Module):
    """28x28 -> stem 8 -> pool -> 16 + block -> pool -> 32 + block -> GAP."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 8)
        self.pool1 = nn.MaxPool2d(2)
        self.widen1 = conv_bn(8, 16)
        self.block1 = ResidualBlock(16)
        self.pool2 = nn.MaxPool2d(2)
        self.widen2 = conv_bn(16, 32)
        self.block2 = ResidualBlock(32)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool1(torch.relu(self.stem(x)))
        x = self.block1(torch.relu(self.widen1(x)))
        x = self.pool2(x)
        x = self.block2(torch.relu(self.widen2(x)))
        return self.fc(torch.flatten(self.gap(x), 1))


def build_vgg():
    return nn.Sequential(
        conv_bn(1, 8), nn.ReLU(),
        nn.MaxPool2d(2),                       # 14x14
        conv_bn(8, 16), nn.ReLU(),
        conv_bn(16, 16), nn.ReLU(),
        nn.MaxPool2d(2),                       # 7x7
        conv_bn(16, 32), nn.ReLU(),
        nn.MaxPool2d(2),                       # 3x3
        nn.Flatten(),
        nn.Linear(32 * 3 * 3, 64), nn.ReLU(),
        nn.Linear(64, 10),
        nn.Softmax(dim=1),
    )


def dw_separable(cin, cout, stride):
    """3x3 depthwise conv-bn-relu6, 1x1 pointwise conv-bn-relu6."""
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride=stride, padding=1, groups=cin,
                  bias=False),
        nn.BatchNorm2d(cin), nn.ReLU6(),
        nn.Conv2d(cin, cout, 1, bias=False),
        nn.BatchNorm2d(cout), nn.ReLU6())


def build_mobilenet():
    return nn.Sequential(
        conv_bn(1, 16, stride=2), nn.ReLU6(),  # 14x14
        dw_separable(16, 32, 1),
        dw_separable(32, 64, 2),               # 7x7
        dw_separable(64, 64, 1),
        dw_separable(64, 128, 2),              # 4x4
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(128, 10),
    )


def build(name):
    if name == "cnn":
        import train_fashion_cnn
        return train_fashion_cnn.build_model()
    if name == "resnet":
        return SmallResNet()
    if name == "vgg":
        return build_vgg()
    if name == "mobilenet":
        return build_mobilenet()
    raise ValueError("unknown model %r" % name)


ONNX_FILES = {"cnn": "fashion_cnn.onnx", "resnet": "fashion_resnet.onnx",
              "vgg": "fashion_vgg.onnx",
              "mobilenet": "fashion_mobilenet.onnx"}


def load_from_onnx(name, path=None):
    """The torch module of `name` with the weights of its .onnx file."""
    import onnx
    import onnx.numpy_helper
    path = path or os.path.join(HERE, ONNX_FILES[name])
    model = build(name)
    graph = onnx.load(path).graph
    weights = {i.name: torch.from_numpy(onnx.numpy_helper.to_array(i).copy())
               for i in graph.initializer}
    state = model.state_dict()
    missing = [k for k in state if k not in weights
               and not k.endswith("num_batches_tracked")]
    if missing:
        raise ValueError("%s lacks initializers %s" % (path, missing))
    for k in state:
        if k in weights:
            state[k] = weights[k]
    model.load_state_dict(state)
    return model.eval()
