"""AI settings, FIM formats and prompt budgets: the pure parts of csound_lsp.ai, no server needed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csound_lsp.ai import AISettings, estimate_tokens, fim_template, fit_fim, parse_ai_settings
from csound_lsp.ai.budget import prompt_budget
from csound_lsp.settings import AITimeouts


def test_defaults_work_with_a_stock_ollama() -> None:
    settings, problems = parse_ai_settings(None, env={})
    assert problems == []
    assert settings.enabled and settings.backend == "ollama"
    assert settings.host == "http://127.0.0.1:11434"
    assert settings.models.completion == "qwen2.5-coder:1.5b-base"
    assert settings.models.chat == "qwen2.5-coder:7b-instruct"
    assert settings.models.embedding == "nomic-embed-text"


@pytest.mark.parametrize(
    ("ollama_host", "expected"),
    [
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("0.0.0.0:11500", "http://127.0.0.1:11500"),
        ("gpu-box:9000", "http://gpu-box:9000"),
        ("gpu-box", "http://gpu-box:11434"),
        (":5555", "http://127.0.0.1:5555"),
        ("https://ollama.example", "https://ollama.example:443"),
        ("http://[::]:11434", "http://[::1]:11434"),
        ("http://127.0.0.1:11434/", "http://127.0.0.1:11434"),
    ],
)
def test_ollama_host_forms(ollama_host: str, expected: str) -> None:
    settings, problems = parse_ai_settings(None, env={"OLLAMA_HOST": ollama_host})
    assert problems == []
    assert settings.host == expected


def test_environment_overrides_client_settings() -> None:
    env = {
        "OLLAMA_HOST": "elsewhere:1",
        "CSOUND_LSP_AI_HOST": "127.0.0.1:2222",
        "CSOUND_LSP_AI_MODEL": "codellama:7b-code",
        "CSOUND_LSP_EMBED_MODEL": "all-minilm",
    }
    settings, problems = parse_ai_settings({"host": "127.0.0.1:3333", "models": {"chat": "x"}}, env=env)
    assert problems == []
    assert settings.host == "http://127.0.0.1:2222"
    assert settings.models.completion == settings.models.chat == "codellama:7b-code"
    assert settings.models.embedding == "all-minilm"


def test_client_host_beats_ollama_host() -> None:
    settings, _ = parse_ai_settings({"host": "127.0.0.1:3333"}, env={"OLLAMA_HOST": "elsewhere:1"})
    assert settings.host == "http://127.0.0.1:3333"


def test_openai_backend_from_environment_ignores_ollama_host() -> None:
    env = {"CSOUND_LSP_AI_BACKEND": "openai", "OLLAMA_HOST": "0.0.0.0:11434"}
    settings, problems = parse_ai_settings({}, env=env)
    assert problems == []
    assert settings.backend == "openai"
    assert settings.host == "http://127.0.0.1:8080"
    lm_studio, _ = parse_ai_settings({"backend": "openai", "host": "http://localhost:1234/v1"}, env={})
    assert lm_studio.host == "http://localhost:1234"


def test_camel_case_nested_settings_and_problems() -> None:
    raw = {
        "models": {"completion": "starcoder2:3b"},
        "timeouts": {"firstTokenS": 5, "totalS": "bad"},
        "numCtx": 2048,
        "keepAlive": -1,
        "backend": "gpt",
        "colour": "blue",
    }
    settings, problems = parse_ai_settings(raw, env={"CSOUND_LSP_AI_BACKEND": "nonsense"})
    assert settings.models.completion == "starcoder2:3b"
    assert settings.timeouts.first_token_s == 5.0
    assert settings.timeouts.total_s == AITimeouts().total_s
    assert settings.num_ctx == 2048
    assert settings.keep_alive == "-1"  # Ollama reads a number as seconds; -1 keeps the model loaded
    assert settings.backend == "ollama"
    assert len(problems) == 4
    assert any("colour" in p for p in problems) and any("CSOUND_LSP_AI_BACKEND" in p for p in problems)


def test_non_object_settings_are_a_problem_not_a_crash() -> None:
    settings, problems = parse_ai_settings(["not", "a", "dict"], env={})
    assert settings == AISettings() and problems


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("qwen2.5-coder:1.5b-base", "qwen2.5-coder"),
        ("hf.co/Qwen/Qwen2.5-Coder-7B-GGUF:Q4_K_M", "qwen2.5-coder"),
        ("codellama:7b-code", "codellama"),
        ("starcoder2:3b", "starcoder"),
        ("deepseek-coder:6.7b-base", "deepseek-coder"),
        ("codegemma:2b-code", "codegemma"),
        ("qwen2.5:7b", None),
        ("llama3.2", None),
        ("gemma3-270m", None),
    ],
)
def test_fim_family_by_model_name(model: str, family: str | None) -> None:
    template = fim_template(model)
    assert (template.family if template else None) == family


def test_fim_renders_prefix_suffix_middle() -> None:
    qwen = fim_template("qwen2.5-coder:1.5b-base")
    deepseek = fim_template("deepseek-coder:1.3b-base")
    assert qwen is not None and deepseek is not None
    assert qwen.render("a", "b") == "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>"
    assert (
        deepseek.render("a", "b")
        == "<\uff5cfim\u2581begin\uff5c>a<\uff5cfim\u2581hole\uff5c>b<\uff5cfim\u2581end\uff5c>"
    )


def test_token_estimate_counts_digits_one_by_one() -> None:
    """Score lines are mostly digits, which code tokenizers split one per token."""
    line = "i 1 0 0.25 0.3 440\n"
    assert estimate_tokens(line) >= sum(ch.isdigit() for ch in line)
    assert estimate_tokens(line) > len(line) / 3.5  # where a flat ratio would undercount
    assert estimate_tokens("") == 0


def test_prompt_budget_uses_the_smaller_window() -> None:
    assert prompt_budget(8192, 2048, 256) == 2048 - 256 - 16
    assert prompt_budget(4096, None, 256) == 4096 - 256 - 16
    assert prompt_budget(512, 32768, 1024) == 0


code_text = st.text(alphabet='aikout 0123456789.,;\n\t()[]=+-*/"é♪', max_size=400)


@given(prefix=code_text, suffix=code_text, budget=st.integers(min_value=0, max_value=300))
def test_fit_fim_stays_within_budget_and_keeps_the_cursor_side(prefix: str, suffix: str, budget: int) -> None:
    head, tail, trimmed = fit_fim(prefix, suffix, budget)
    assert prefix.endswith(head) and suffix.startswith(tail)
    assert estimate_tokens(head) + estimate_tokens(tail) <= budget
    assert trimmed == ((head, tail) != (prefix, suffix))
    if estimate_tokens(prefix) + estimate_tokens(suffix) <= budget:
        assert (head, tail) == (prefix, suffix)
