"""Networks written directly in PyTorch, independently of calc, that more than one test
holds calc's models against (the torch tier)."""


def preact_resnet_torch(torch, depth: int, num_classes: int = 10):
    """He et al.'s pre-activation bottleneck ResNet (depth 9n + 2), written from the authors'
    resnet-pre-act.lua with calc's module names, independently of calc."""
    nn, relu = torch.nn, torch.relu

    class Unit(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            mid = cout // 4
            self.bn1, self.conv1 = nn.BatchNorm2d(cin), nn.Conv2d(cin, mid, 1, stride, bias=False)
            self.bn2, self.conv2 = nn.BatchNorm2d(mid), nn.Conv2d(mid, mid, 3, 1, 1, bias=False)
            self.bn3, self.conv3 = nn.BatchNorm2d(mid), nn.Conv2d(mid, cout, 1, bias=False)
            self.shortcut = (nn.Conv2d(cin, cout, 1, stride, bias=False)
                             if cin != cout or stride != 1 else None)

        def forward(self, x):
            pre = relu(self.bn1(x))
            y = self.conv3(relu(self.bn3(self.conv2(relu(self.bn2(self.conv1(pre)))))))
            return y + (self.shortcut(pre) if self.shortcut is not None else x)

    class PreActResNet(nn.Module):
        def __init__(self):
            super().__init__()
            n = (depth - 2) // 9
            self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
            cin = 16
            for stage, (cout, stride) in enumerate(((64, 1), (128, 2), (256, 2)), start=1):
                units = []
                for i in range(n):
                    units.append(Unit(cin, cout, stride if i == 0 else 1))
                    cin = cout
                setattr(self, f"layer{stage}", nn.Sequential(*units))
            self.bn = nn.BatchNorm2d(256)
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(256, num_classes)

        def forward(self, x):
            x = self.layer3(self.layer2(self.layer1(self.conv1(x))))
            return self.fc(torch.flatten(self.avgpool(relu(self.bn(x))), 1))

    return PreActResNet()
