import torch
from torch import nn


class SmallVGG(nn.Module):
    """format-basics, written by calc: input N x 3 x 32 x 32, output N x 10, 106,922 parameters.
    """

    def __init__(self):
        super().__init__()
        self.l0 = nn.Conv2d(3, 32, kernel_size=3, padding=1)
        self.l1 = nn.BatchNorm2d(32)
        self.l2 = nn.ReLU(inplace=True)
        self.l3 = nn.Conv2d(32, 32, kernel_size=3, padding=1)
        self.l4 = nn.BatchNorm2d(32)
        self.l5 = nn.ReLU(inplace=True)
        self.l6 = nn.MaxPool2d(2)
        self.l7 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.l8 = nn.BatchNorm2d(64)
        self.l9 = nn.ReLU(inplace=True)
        self.l10 = nn.Conv2d(64, 64, kernel_size=3, padding=1)
        self.l11 = nn.BatchNorm2d(64)
        self.l12 = nn.ReLU(inplace=True)
        self.l13 = nn.MaxPool2d(2)
        self.l14 = nn.Flatten()
        self.l15 = nn.Linear(4096, 10)

    def forward(self, x):  # N x 3 x 32 x 32
        x = self.l0(x)  # N x 32 x 32 x 32
        x = self.l1(x)  # N x 32 x 32 x 32
        x = self.l2(x)  # N x 32 x 32 x 32
        x = self.l3(x)  # N x 32 x 32 x 32
        x = self.l4(x)  # N x 32 x 32 x 32
        x = self.l5(x)  # N x 32 x 32 x 32
        x = self.l6(x)  # N x 32 x 16 x 16
        x = self.l7(x)  # N x 64 x 16 x 16
        x = self.l8(x)  # N x 64 x 16 x 16
        x = self.l9(x)  # N x 64 x 16 x 16
        x = self.l10(x)  # N x 64 x 16 x 16
        x = self.l11(x)  # N x 64 x 16 x 16
        x = self.l12(x)  # N x 64 x 16 x 16
        x = self.l13(x)  # N x 64 x 8 x 8
        x = self.l14(x)  # N x 4096
        x = self.l15(x)  # N x 10
        return x
