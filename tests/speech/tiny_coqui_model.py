"""Builds a tiny, randomly initialised Coqui VITS model on disk (config.json + model.pth).

Coqui's real models come from a hub this machine cannot reach; this one goes through exactly the loader
users use (``TTS.api.TTS(model_path=..., config_path=...)``) and speaks noise, which is enough to check
the engine's plumbing: duration, sample rate, loudness, timings.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_RATE = 16000


def build_tiny_vits(folder: Path, *, language: str = "en") -> Path:
    """Write a tiny VITS model to ``folder`` and return the folder."""
    import torch
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsArgs, VitsConfig
    from TTS.tts.models.vits import Vits

    torch.manual_seed(0)
    args = VitsArgs(
        hidden_channels=16,
        hidden_channels_ffn_text_encoder=32,
        num_heads_text_encoder=2,
        num_layers_text_encoder=1,
        num_layers_flow=1,
        num_layers_posterior_encoder=1,
        upsample_rates_decoder=[8, 8, 4],
        upsample_initial_channel_decoder=32,
        upsample_kernel_sizes_decoder=[16, 16, 8],
        resblock_kernel_sizes_decoder=[3],
        resblock_dilation_sizes_decoder=[[1, 3, 5]],
        init_discriminator=False,
        use_sdp=False,
    )
    config = VitsConfig(
        model_args=args,
        use_phonemes=False,
        text_cleaner="basic_cleaners",
        phoneme_language=language,
        characters=CharactersConfig(
            characters="abcdefghijklmnopqrstuvwxyz0123456789",
            punctuations=" !,.?'-",
            pad="<PAD>",
            eos="<EOS>",
            bos="<BOS>",
            blank="<BLNK>",
            characters_class="TTS.tts.models.vits.VitsCharacters",
        ),
    )
    config.audio.sample_rate = SAMPLE_RATE
    model = Vits(config)
    folder.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    return folder
