"""Every message the command prints exists in both languages, and only in its language."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from conftest import ROOT

from service_codes.cli import messages
from service_codes.cli.messages import MESSAGES, text

CLI = ROOT / "src" / "service_codes" / "cli"
# Names that stay as they are in Chinese text: formats, encodings, option names, file names.
ALLOWED = re.compile(
    r"--[a-z-]+|[\w./<>-]*\.(?:json|jsonl|html|xlsx|csv|txt|tsv)\b|service-codes|JSON|XML|CSV"
    r"|UTF-8|UTF-16|GB18030|GBK|Excel|CPSV-AP|SHACL|pyshacl|rdflib|pip install '[^']*'"
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _literal(template: str) -> str:
    return "".join(literal for literal, *_ in string.Formatter().parse(template))


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_each_message_is_in_both_languages_with_the_same_fields(key: str) -> None:
    en, zh = MESSAGES[key]
    assert en.strip() and zh.strip()
    assert _fields(en) == _fields(zh), key
    assert not CJK.search(_literal(en)), f"Chinese in the English of {key}"
    assert not LATIN_WORD.search(ALLOWED.sub("", _literal(zh))), f"English in the Chinese of {key}"


def test_english_counts_agree_with_their_number() -> None:
    assert text("en", "build.read", guides=1, folder="g") == "read: 1 guide from g"
    assert text("en", "build.read", guides=2, folder="g") == "read: 2 guides from g"
    assert text("en", "import.failed", problems=1) == "import: 1 problem; nothing was written" or (
        text("en", "import.failed", problems=1) == "import failed: 1 problem; nothing was written"
    )


SAYING = ("say", "self.say", "say.text", "self.say.text", "self.text")
FAMILIES = {key.split(".")[0] for key in MESSAGES}


def _words_outside_say(node: ast.AST) -> list[str]:
    """Latin words of string literals in ``node``, except inside calls that say a message."""
    if isinstance(node, ast.Call) and ast.unparse(node.func) in (*SAYING, "json.dumps"):
        return []  # a message of the catalogue, or a document for machines
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return LATIN_WORD.findall(node.value)
    return [w for child in ast.iter_child_nodes(node) for w in _words_outside_say(child)]


@pytest.mark.parametrize("module", sorted(p.name for p in CLI.glob("*.py")))
def test_the_command_says_nothing_outside_the_catalogue(module: str) -> None:
    tree = ast.parse((CLI / module).read_text("utf-8"))
    for node in ast.walk(tree):
        # Every literal that names a message (family.name) is in the catalogue.
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            family, dot, _ = node.value.partition(".")
            if (
                dot
                and family in FAMILIES
                and re.fullmatch(r"[a-z]+\.[a-zA-Z-]*[a-zA-Z]", node.value)
            ):
                assert node.value in MESSAGES, f"{module}: unknown message {node.value!r}"
        if isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
            prefix = str(node.values[0].value)
            if prefix.partition(".")[0] in FAMILIES and prefix.endswith(("-", ".")):
                assert any(k.startswith(prefix) for k in MESSAGES), f"{module}: {prefix}"
        if isinstance(node, ast.Call) and ast.unparse(node.func) in (
            "click.echo",
            "Failure",
            "print",
            "click.ClickException",
        ):
            words = [w for arg in node.args for w in _words_outside_say(arg)]
            assert not words, f"{module}: {ast.unparse(node)} prints words outside the catalogue"
    assert "click.UsageError(" not in (CLI / module).read_text("utf-8")


def test_every_catalogued_message_is_used() -> None:
    source = "\n".join(p.read_text("utf-8") for p in CLI.glob("*.py") if p.name != "messages.py")
    prefixes = re.findall(r'f"([a-z-]+\.[a-z-]*)\{', source)
    unused = [
        key
        for key in MESSAGES
        if f'"{key}"' not in source and not any(key.startswith(p) for p in prefixes)
    ]
    assert not unused


def test_lists_are_joined_the_way_each_language_lists() -> None:
    assert messages.join("en", ["json", "xml"]) == "json, xml"
    assert messages.join("zh", ["json", "xml"]) == "json、xml"


def test_no_message_is_only_english_in_the_library_errors_the_command_shows() -> None:
    # Messages of the library's errors that the command shows as they are.
    from service_codes.output import NestedOutput, UnsafeWrite

    for error in (UnsafeWrite([(Path("a.json"), "changed")]), NestedOutput(Path("o"), Path("s"))):
        assert not LATIN_WORD.search(ALLOWED.sub("", re.sub(r"\S*[/.]\S*", "", error.message_zh)))
