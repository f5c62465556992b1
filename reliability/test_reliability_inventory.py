"""The inventory of exports, generated from the modules, against the bad-input registry.

A function or class added to a lesson package or one of its stage modules (or a new
argument of an existing one, or a new lesson) without bad-input cases in
``reliability_exports.REGISTRY`` fails here.
"""

from __future__ import annotations

import inspect

import pytest
from reliability_exports import (
    CONSTANTS,
    DEBUG_HOOKS,
    FLOOR_KERNELS,
    REGISTRY,
    compiled_exports,
    compiled_private,
    discover_exports,
    is_constant,
    poly_project,
)
from reliability_inputs import bad_cases
from reliability_support import STATS

import poly_match_rs
from workshop.lessons import lessons


def test_every_export_has_bad_input_cases():
    exports = discover_exports()
    callables = {name for name, obj in exports.items() if not is_constant(obj)}
    constants = {name for name, obj in exports.items() if is_constant(obj)}
    missing = sorted(callables - set(REGISTRY))
    stale = sorted(set(REGISTRY) - callables)
    assert not missing, f"exports without bad-input cases (add them to REGISTRY): {missing}"
    assert not stale, f"REGISTRY names exports that no longer exist: {stale}"
    assert constants == CONSTANTS, f"constants changed: {sorted(constants ^ CONSTANTS)}"
    # The walk found every lesson and every stage of lesson 1 (v0 is empty on purpose).
    assert {name.split(".")[1] for name in callables if name.startswith("poly_match_rs")} == {
        "v1",
        "v2",
        "v3",
        "v4",
        "v5",
        "v6",
    }
    assert {"ml_demos_rs.kmeans", "ml_demos_rs.stratified_kfold_split"} <= callables
    assert {"text_prep_rs.preprocess_text", "text_prep_rs.preprocess_text_interned"} <= callables
    assert {
        "distinct_count_rs.count_approx_rust",
        "distinct_count_rs.count_approx_array",
    } <= callables
    assert {"gil_pool_rs.take_iter", "gil_pool_rs.read_msgpack_vectors"} <= callables
    assert {name.split(".")[0] for name in callables} == {lesson.package for lesson in lessons()}
    assert {
        "inference_rs.ScratchMlp.predict_proba",
        "inference_rs.TractModel",
        "inference_rs.OrtModel.predict",
        "inference_rs.wasm.WasmMlp.predict_proba",
    } <= callables
    STATS["exports"] = len(callables)


def test_everything_compiled_is_exported_by_the_package():
    exports = discover_exports()
    for name, obj in compiled_exports().items():
        assert name in exports, f"{name} is compiled but not exported by the package"
        assert exports[name] is obj, f"{name}: the package exports another object"
    # Hidden names of the compiled modules: only the panic hooks (see docs/errors.md)
    # and the kernels of the tables' limit rows.
    assert compiled_private() == set(DEBUG_HOOKS) | set(FLOOR_KERNELS)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_argument_has_bad_inputs(name):
    export = REGISTRY[name]
    cases = bad_cases(export)
    assert len(cases) >= 2, f"{name}: too few bad inputs"
    assert len({case.case for case in cases}) == len(cases), f"{name}: duplicate case ids"
    if "no-valid-call" in export.tags:
        return
    try:
        parameters = inspect.signature(export.call).parameters
    except (TypeError, ValueError):  # pragma: no cover - every export has a signature
        pytest.fail(f"{name} has no signature to compare the registry with")
    covered = {argument for argument, _ in export.arguments.values()}
    # Arguments covered by the export's own cases rather than by a kind.
    by_extra_cases = (
        {"init", "algorithm"} if "kmeans" in name else {"data"} if "_split" in name else set()
    )
    for parameter in parameters:
        assert parameter in covered | by_extra_cases, f"{name}: no bad inputs for `{parameter}`"
    for argument in by_extra_cases & set(parameters):
        assert any(case.names == argument for case in cases), f"{name}: no case for {argument}"


def test_the_constant_matches_the_baseline():
    assert poly_match_rs.v5.AREA_RTOL == poly_project("poly_match_v0").AREA_RTOL
    assert poly_match_rs.v6.AREA_RTOL == poly_project("poly_match_v0").AREA_RTOL


def test_stage_v0_exports_nothing():
    # The baseline is pure Python: the Rust module of stage v0 is empty on purpose.
    assert [n for n in dir(poly_match_rs._poly_match_rs.v0) if not n.startswith("_")] == []


def test_the_printed_inventory_lists_every_export(capsys):
    from reliability_exports import main

    main()
    printed = capsys.readouterr().out
    for name in [*REGISTRY, *CONSTANTS]:
        assert f"{name}(" in printed or f"{name} =" in printed, name
