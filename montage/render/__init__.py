"""Stage 8 of the pipeline: a timeline → an MP4, in one ffmpeg pass built as data. See docs/render.md."""

from montage.options.render import FRAME_SIZES, RenderOptions
from montage.render.plan import RenderPlan, plan_render
from montage.render.render_timeline import RenderResult, render_timeline

__all__ = ["FRAME_SIZES", "RenderOptions", "RenderPlan", "RenderResult", "plan_render", "render_timeline"]
