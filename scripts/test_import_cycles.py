"""Unit tests of scripts/check-import-cycles (its parser and its graph).

Run by scripts/check-import-cycles (one summary line) and, verbosely, by
scripts/check-import-cycles --self-test; alone: python3 -B scripts/test_import_cycles.py
"""

import importlib.machinery
import importlib.util
import io
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
_PATH = Path(__file__).resolve().parent / "check-import-cycles"
_LOADER = importlib.machinery.SourceFileLoader("check_import_cycles", str(_PATH))
_SPEC = importlib.util.spec_from_loader("check_import_cycles", _LOADER)
cic = importlib.util.module_from_spec(_SPEC)
sys.modules["check_import_cycles"] = cic
_LOADER.exec_module(cic)


def crate(files: dict[str, str]):
    """Builds a crate from {path under src/: source}; returns its Crate."""
    tmp = tempfile.TemporaryDirectory()
    src = Path(tmp.name) / "src"
    for rel, text in files.items():
        p = src / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    root = src / ("main.rs" if "main.rs" in files else "lib.rs")
    c = cic.Crate(root, src)
    tmp.cleanup()
    return c


def edges(c):
    return {(a, b): names for a, to in c.edges.items() for b, names in to.items()}


class Strip(unittest.TestCase):
    def test_comments_strings_and_chars_go(self):
        src = textwrap.dedent(
            """\
            // use crate::a::X;
            /* crate::b::Y /* nested crate::c::Z */ still crate::d::W */
            let s = "crate::e::V"; let r = r#"crate::f::"U""#;
            let c = '"'; let q = '\\''; let b = b"x"; fn f<'a>(x: &'a str) {}
            crate::g::T;
            """
        )
        out = cic.strip(src)
        for gone in ("crate::a", "crate::b", "crate::c", "crate::d", "crate::e", "crate::f"):
            self.assertNotIn(gone, out)
        self.assertIn("crate::g::T", out)
        self.assertIn("&'a str", out)

    def test_commented_and_quoted_paths_make_no_edge(self):
        c = crate(
            {
                "lib.rs": "mod a;\nmod b;\n",
                "a.rs": '// use crate::b::B;\n/* crate::b::f() */\nconst S: &str = "crate::b::B";\n',
                "b.rs": "use crate::a::A;\npub struct B;\n",
            }
        )
        self.assertEqual(edges(c), {("b.rs", "a.rs"): {"A"}})
        self.assertEqual(c.cycles(), [])


class UseTrees(unittest.TestCase):
    def test_nested_tree_with_self_and_as(self):
        got = cic.expand("crate::a::{self, b::{self as bee, C}, d as dee, e::*}")
        self.assertEqual(
            got,
            [
                ("a", ["crate", "a"]),
                ("bee", ["crate", "a", "b"]),
                ("C", ["crate", "a", "b", "C"]),
                ("dee", ["crate", "a", "d"]),
                ("*", ["crate", "a", "e", "*"]),
            ],
        )

    def test_aliases_resolve_to_the_defining_file(self):
        c = crate(
            {
                "lib.rs": "mod a;\nmod b;\nmod c;\n",
                "a.rs": "use crate::{b::{self as bee}, c::Thing as T};\nfn f(_: T) { bee::g(); }\n",
                "b.rs": "pub fn g() {}\n",
                "c.rs": "pub struct Thing;\n",
            }
        )
        self.assertEqual(edges(c), {("a.rs", "b.rs"): {"g"}, ("a.rs", "c.rs"): {"Thing"}})


class InlinePaths(unittest.TestCase):
    def test_crate_super_self_and_child_paths(self):
        c = crate(
            {
                "lib.rs": "mod a;\nmod b;\n",
                "a/mod.rs": "mod inner;\nfn f() { inner::go(); crate::b::B::new(); }\n",
                "a/inner.rs": "pub fn go() { super::super::b::helper(); }\n",
                "b.rs": "pub struct B;\npub fn helper() {}\nfn h() { self::helper(); }\n",
            }
        )
        self.assertEqual(
            edges(c),
            {
                ("a/mod.rs", "a/inner.rs"): {"go"},
                ("a/mod.rs", "b.rs"): {"B"},
                ("a/inner.rs", "b.rs"): {"helper"},
            },
        )

    def test_path_through_a_reexport_reaches_the_definition(self):
        c = crate(
            {
                "lib.rs": "mod a;\nmod b;\npub use b::deep::Deep;\n",
                "a.rs": "fn f() -> crate::Deep { todo!() }\n",
                "b/mod.rs": "pub mod deep;\n",
                "b/deep.rs": "pub struct Deep;\n",
            }
        )
        self.assertEqual(edges(c), {("a.rs", "b/deep.rs"): {"Deep"}})

    def test_other_crates_and_mod_declarations_are_no_edges(self):
        c = crate(
            {
                "lib.rs": "mod a;\nmod b;\nuse std::fmt;\n",
                "a.rs": "use latchkey_protocol::ids::LockId;\nfn f() { serde_json::to_string(&1); }\n",
                "b.rs": "pub struct B;\n",
            }
        )
        self.assertEqual(edges(c), {})


class Cycles(unittest.TestCase):
    def test_parent_reexport_is_not_an_edge(self):
        c = crate(
            {
                "lib.rs": "mod rules;\n",
                "rules/mod.rs": "mod draft;\nmod lock;\npub use draft::Draft;\npub use lock::check;\n",
                "rules/draft.rs": "pub struct Draft;\n",
                "rules/lock.rs": "use super::Draft;\npub fn check() -> Draft { Draft }\n",
            }
        )
        self.assertEqual(edges(c), {("rules/lock.rs", "rules/draft.rs"): {"Draft"}})
        self.assertEqual(c.cycles(), [])

    def test_parent_reexport_used_in_its_code_is_an_edge(self):
        c = crate(
            {
                "lib.rs": "mod a;\n",
                "a/mod.rs": "mod b;\npub use b::B;\nfn f(_: B) {}\n",
                "a/b.rs": "pub struct B;\n",
            }
        )
        self.assertEqual(edges(c), {("a/mod.rs", "a/b.rs"): {"B"}})

    def test_child_parent_cycle_is_counted(self):
        c = crate(
            {
                "lib.rs": "mod rules;\n",
                "rules/mod.rs": "mod lock;\npub struct Draft;\npub fn all() { lock::rules(); }\n",
                "rules/lock.rs": "use super::Draft;\npub fn rules() -> Vec<Draft> { vec![] }\n",
            }
        )
        self.assertEqual(
            edges(c),
            {("rules/mod.rs", "rules/lock.rs"): {"rules"}, ("rules/lock.rs", "rules/mod.rs"): {"Draft"}},
        )
        self.assertEqual(c.cycles(), [["rules/lock.rs", "rules/mod.rs"]])

    def test_glob_counts_only_the_names_used(self):
        c = crate(
            {
                "lib.rs": "mod a;\nmod b;\nmod c;\n",
                "a.rs": "use crate::b::*;\nfn f(_: Used) {}\n",
                "b.rs": "pub use crate::c::Used;\npub struct Unused;\n",
                "c.rs": "pub struct Used;\n",
            }
        )
        self.assertEqual(
            edges(c), {("a.rs", "c.rs"): {"Used"}, ("b.rs", "c.rs"): {"Used"}}
        )

    def test_test_modules_are_left_out(self):
        c = crate(
            {
                "lib.rs": "mod a;\nmod b;\n",
                "a.rs": "pub struct A;\n#[cfg(test)]\nmod tests;\n",
                "a/tests.rs": "use crate::b::B;\n",
                "b.rs": "pub struct B;\nuse crate::a::A;\n#[cfg(test)]\nmod tests {\n    use crate::a::A;\n}\n",
            }
        )
        self.assertEqual(edges(c), {("b.rs", "a.rs"): {"A"}})

    def test_report_names_the_ties(self):
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            (d / "src").mkdir()
            (d / "Cargo.toml").write_text('[package]\nname = "demo"\n')
            (d / "src/lib.rs").write_text("mod a;\nmod b;\n")
            (d / "src/a.rs").write_text("use crate::b::B;\npub struct A;\n")
            (d / "src/b.rs").write_text("pub struct B(crate::a::A);\n")
            out = io.StringIO()
            self.assertFalse(cic.check_crate(d, out=out))
        report = out.getvalue()
        self.assertIn("cycle in demo", report)
        self.assertIn("  a.rs -> b.rs: B\n", report)
        self.assertIn("  b.rs -> a.rs: A\n", report)


if __name__ == "__main__":
    unittest.main()
