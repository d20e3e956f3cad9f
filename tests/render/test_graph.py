"""The ffmpeg graph model: rendering to strings, escaping that real ffmpeg accepts, input layout."""

from __future__ import annotations

from pathlib import Path

from montage.fallback.filter_escaping import escape_option_value
from montage.fallback.title_card import TitleCardGenerator
from montage.options.render import RenderOptions
from montage.render.graph import Chain, FilterGraph, f
from montage.render.plan import plan_render

from .media import duration_of, make_tone, run
from .single_shot import one_shot_timeline


def test_filters_and_chains_render_as_ffmpeg_syntax() -> None:
    chain = Chain(("0:v",), (f("scale", w=1280, h="ih*2"), f("fps", fps=30.0), f("null")), ("v0",))
    assert chain.to_string() == "[0:v]scale=w=1280:h=ih*2,fps=fps=30,null[v0]"
    graph = FilterGraph((chain, Chain(("v0", "v1"), (f("concat", n=2, v=1, a=0),), ("out",))))
    assert graph.to_string() == "[0:v]scale=w=1280:h=ih*2,fps=fps=30,null[v0];[v0][v1]concat=n=2:v=1:a=0[out]"
    assert graph.output_labels() == ["v0", "out"]


def test_values_are_escaped_at_both_levels() -> None:
    assert escape_option_value("if(gt(a,b),x,y)") == r"if(gt(a\,b)\,x\,y)"
    assert escape_option_value("C:/a b") == r"C\\:/a b"
    assert escape_option_value("it's") == r"it\\\'s"
    assert escape_option_value("[x];y") == r"\[x\]\;y"


def test_real_ffmpeg_reads_text_files_from_awkward_paths(tmp_path: Path) -> None:
    folder = tmp_path / "it's [odd], dir; a:b"
    source = TitleCardGenerator().lavfi_source("Quotes ' colons : commas , 100%", 1.0, 160, 90, 10, folder)
    assert str(folder) not in source  # only in escaped form
    out = tmp_path / "card.mp4"
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-frames:v", "10", str(out)])
    assert abs(duration_of(out) - 1.0) < 0.11


def test_plan_lists_inputs_in_order_with_an_inline_card(tmp_path: Path) -> None:
    voice = make_tone(tmp_path / "v.wav", frequency=200, seconds=1.0)
    card_only = one_shot_timeline(None, voice, 2.0)
    plan = plan_render(
        card_only,
        tmp_path / "o.mp4",
        RenderOptions(width=320, height=180),
        work_dir=tmp_path / "w",
        fallback=TitleCardGenerator(),
    )
    kinds = [i.options[:2] for i in plan.command.inputs]
    assert kinds[0] == ("-f", "lavfi")  # the title card is drawn inside the same ffmpeg run
    assert kinds[1] == ("-f", "lavfi")  # the end card
    assert plan.command.inputs[2].source == str(voice)
    assert plan.pregenerated == ()
    assert plan.duration_s == 2.0 + 4.0
    argv = plan.command.argv()
    assert argv[-1] == str(tmp_path / "o.mp4")
    assert argv[argv.index("-crf") + 1] == "23" and argv[argv.index("-preset") + 1] == "veryfast"
    assert "+faststart" in argv
