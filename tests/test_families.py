"""The zoo's registry: families with knobs, presets that forward **kwargs, member names."""

import json

import pytest

from calc import CalcError, web
from calc.models import (build, describe_family, families, get_family, get_model, list_models,
                         member_names, parse_settings)
from calc.models.registry import KINDS
from calc.summary import summarize


def test_a_knob_name_means_one_kind_everywhere():
    kinds = {}
    for family in families():
        for knob in family.knobs:
            assert knob.kind in KINDS
            assert kinds.setdefault(knob.name, knob.kind) == knob.kind, (family.name, knob.name)


def test_presets_forward_kwargs_to_their_family():
    assert get_model("densenet121", drop_rate=0.2).name == "densenet121"
    assert summarize(get_model("densenet121", drop_rate=0.2)).params == \
        summarize(get_model("densenet121")).params
    assert get_model("resnet50", layers=(3, 4, 6, 3)).name == "resnet50"   # the same value
    assert get_model("resnet50", layers=[3, 4, 6, 3]).name == "resnet50"
    assert summarize(build("resnet", block="bottleneck", layers=(3, 4, 6, 3))).params == \
        summarize(get_model("resnet50")).params


@pytest.mark.parametrize("name, kwargs, words", [
    ("resnet50", {"foo": 1}, ["resnet has no argument 'foo'", "block, layers"]),
    ("resnet50", {"layers": (2, 2, 2, 2)}, ["layers is 3,4,6,3 in this model", "'resnet'"]),
    ("vgg16", {"cfg": "E"}, ["cfg is D in this model"]),
    ("alexnet_paper", {"variant": "torchvision"}, ["variant is paper"]),
    ("dcgan_example_generator", {"depth": 3}, ["dcgan_example_generator has no argument 'depth'"]),
    ("resnet", {"layers": (3, -4, 6, 3)}, ["layers[1] must be >= 1"]),
    ("resnet", {"block": "plain"}, ["block must be 'basic' or 'bottleneck'"]),
    ("densenet", {"growth_rate": 0}, ["growth_rate must be >= 1"]),
    ("densenet", {"block_config": (6, 300)}, ["block_config[1] must be <= 256"]),
    ("vgg", {"cfg": "F"}, ["cfg must be one of"]),
    ("googlenet", {"variant": "v2"}, ["variant must be one of torchvision, paper"]),
    ("cifar_densenet", {"compression": 0}, ["compression must be a number in (0, 1]"]),
    ("cifar_densenet", {"depth": 43, "bottleneck": True}, ["depth must be 6n+4"]),
    ("wrn_28_10", {"widen_factor": 2}, ["widen_factor is 10 in this model"]),
    ("resnet", {"layers": (3, 4, 6000, 3)}, ["layers[2] must be <= 1000"]),
])
def test_bad_arguments_are_calc_errors_naming_them(name, kwargs, words):
    with pytest.raises(CalcError) as err:
        get_model(name, **kwargs)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_families_are_models_where_torchvision_names_them():
    names = list_models()
    for name in ("alexnet", "googlenet", "inception_v3"):
        assert name in names and get_family(name).model
        assert get_model(name).name == name
    assert "resnet" not in names and "vgg" not in names
    assert summarize(get_model("alexnet")).params == 61_100_840
    assert summarize(get_model("alexnet", variant="paper")).input == (3, 227, 227)


def test_member_names_parse_into_knobs():
    assert get_family("wrn_40_4").name == "wrn"
    assert get_family("densenet_bc_100_12").name == "cifar_densenet"
    net = get_model("densenet_bc_100_12")
    assert net.name == "densenet_bc_100_12"
    assert summarize(net).params == summarize(
        build("cifar_densenet", depth=100, growth_rate=12, bottleneck=True, compression=0.5)).params
    assert {m.example for m in member_names()} >= {"wrn_28_10", "densenet_40_12",
                                                   "cifar_resnet_56"}


@pytest.mark.parametrize("name, settings, expected", [
    ("resnet", {"layers": "2, 3,4 2", "groups": "32", "block": " bottleneck"},
     {"layers": (2, 3, 4, 2), "groups": 32, "block": "bottleneck"}),
    ("vgg", {"batch_norm": "true", "cfg": "A-LRN"}, {"batch_norm": True, "cfg": "A-LRN"}),
    ("cifar_densenet", {"compression": "0.5", "drop_rate": "0.2"},
     {"compression": 0.5, "drop_rate": 0.2}),
    ("resnet50", {"input_shape": "3x160x128", "num_classes": "10"},
     {"input_shape": (3, 160, 128), "num_classes": 10}),
    ("googlenet", {"dropout": ""}, {"dropout": None}),
])
def test_settings_are_read_from_text(name, settings, expected):
    assert parse_settings(name, settings) == expected
    get_model(name, **expected)


@pytest.mark.parametrize("name, settings, message", [
    ("resnet", {"layers": "3;4"}, "layers[0] must be a whole number"),
    ("resnet", {"groups": "\uff13"}, "groups must be a whole number"),
    ("vgg", {"batch_norm": "maybe"}, "batch_norm must be true or false"),
    ("cifar_densenet", {"compression": "1e-3"}, "compression must be a decimal number"),
    ("resnet", {"nope": "1"}, "resnet has no argument 'nope'"),
    ("not_a_model", {"x": "1"}, "model must be a known name"),
])
def test_bad_settings_name_the_knob(name, settings, message):
    with pytest.raises(CalcError, match=message.replace("[", "\\[").replace("]", "\\]")):
        parse_settings(name, settings)


def test_families_describe_themselves_as_json():
    described = [describe_family(f) for f in families()]
    json.dumps(described)
    resnet = next(d for d in described if d["name"] == "resnet")
    assert [k["name"] for k in resnet["knobs"]][:4] == ["block", "layers", "groups",
                                                        "width_per_group"]
    assert resnet["knobs"][1]["default"] == "3,4,6,3"


@pytest.mark.parametrize("family", [f.name for f in families()])
def test_every_family_has_a_calculator_that_computes_its_defaults(family):
    calc_id = family.replace("_", "-").removesuffix("-family")
    assert calc_id in web.CALCULATORS
    out = web.run(calc_id, "{}")
    assert "calc-error" not in out and "<table" in out
