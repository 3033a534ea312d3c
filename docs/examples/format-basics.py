import torch
from torch import nn


class SmallVGG(nn.Sequential):
    """format-basics, written by calc: input N x 3 x 32 x 32, output N x 10, 106,922 parameters.
    """

    def __init__(self):
        super().__init__(
            nn.Conv2d(3, 32, kernel_size=3, padding=1),  # N x 32 x 32 x 32
            nn.BatchNorm2d(32),  # N x 32 x 32 x 32
            nn.ReLU(inplace=True),  # N x 32 x 32 x 32
            nn.Conv2d(32, 32, kernel_size=3, padding=1),  # N x 32 x 32 x 32
            nn.BatchNorm2d(32),  # N x 32 x 32 x 32
            nn.ReLU(inplace=True),  # N x 32 x 32 x 32
            nn.MaxPool2d(2),  # N x 32 x 16 x 16
            nn.Conv2d(32, 64, kernel_size=3, padding=1),  # N x 64 x 16 x 16
            nn.BatchNorm2d(64),  # N x 64 x 16 x 16
            nn.ReLU(inplace=True),  # N x 64 x 16 x 16
            nn.Conv2d(64, 64, kernel_size=3, padding=1),  # N x 64 x 16 x 16
            nn.BatchNorm2d(64),  # N x 64 x 16 x 16
            nn.ReLU(inplace=True),  # N x 64 x 16 x 16
            nn.MaxPool2d(2),  # N x 64 x 8 x 8
            nn.Flatten(),  # N x 4096
            nn.Linear(4096, 10),  # N x 10
        )
