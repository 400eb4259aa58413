"""Unit tests of scripts/supply_chain.py (the SBOM and notices generators).

Run by scripts/check-supply-chain; alone: python3 -B scripts/test_supply_chain.py
"""

import contextlib
import io
import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import supply_chain as sc  # noqa: E402

MIT = "MIT License\n\nCopyright (c) {}\n\nPermission is hereby granted, free of charge, to any person\n"
APACHE = "\n                Apache License\n          Version 2.0, January 2004\n\nTERMS AND CONDITIONS\n"
ISC = "Copyright 2015 Someone.\n\nPermission to use, copy, modify, and/or distribute this software for any\n"


def standard(lic):
    return {"Apache-2.0": "APACHE STANDARD\n", "MPL-2.0": "MPL STANDARD\n"}.get(lic)


def crate(name, version, license="MIT", source="registry+crates.io", targets=(), **kw):
    return sc.Crate(name, version, license, source, targets=set(targets), **kw)


class LicenseExpressions(unittest.TestCase):
    def test_round_trips_spdx(self):
        for expr in [
            "MIT",
            "MIT OR Apache-2.0",
            "Apache-2.0 AND ISC",
            "(MIT OR Apache-2.0) AND Unicode-3.0",
            "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT",
        ]:
            self.assertEqual(sc.normalize_license(expr), expr)

    def test_slash_is_or(self):
        self.assertEqual(sc.normalize_license("MIT/Apache-2.0/BSD-3-Clause"), "MIT OR Apache-2.0 OR BSD-3-Clause")
        self.assertEqual(sc.normalize_license("Apache-2.0 / MIT"), "Apache-2.0 OR MIT")

    def test_and_binds_tighter_than_or(self):
        node = sc.parse_license("MIT AND ISC OR Apache-2.0")
        self.assertEqual(node.op, "OR")
        self.assertEqual(str(node.args[0]), "MIT AND ISC")

    def test_rejects_malformed(self):
        for expr in ["MIT OR", "(MIT", "MIT)", "OR MIT", "MIT, Apache-2.0"]:
            with self.assertRaises(sc.SupplyChainError, msg=expr):
                sc.parse_license(expr)

    def test_choice_follows_preference(self):
        always = lambda lic: True  # noqa: E731
        pick = lambda e, has=always: sc.choose_licenses(sc.parse_license(e), has)  # noqa: E731
        self.assertEqual(pick("Apache-2.0 OR MIT"), ["MIT"])
        self.assertEqual(pick("Apache-2.0 OR ISC OR MIT"), ["MIT"])
        self.assertEqual(pick("Unlicense OR MIT"), ["MIT"])
        self.assertEqual(pick("Apache-2.0 AND ISC"), ["Apache-2.0", "ISC"])
        self.assertEqual(pick("(MIT OR Apache-2.0) AND Unicode-3.0"), ["MIT", "Unicode-3.0"])

    def test_choice_prefers_a_license_whose_text_is_at_hand(self):
        node = sc.parse_license("MIT OR Apache-2.0")
        self.assertEqual(sc.choose_licenses(node, lambda lic: lic == "Apache-2.0"), ["Apache-2.0"])


class LicenseFiles(unittest.TestCase):
    def test_classifies_by_name_then_text(self):
        c = sc.classify_license_file
        self.assertEqual(c("LICENSE-MIT", ""), "MIT")
        self.assertEqual(c("LICENSE-APACHE", ""), "Apache-2.0")
        self.assertEqual(c("LICENSE-Apache-2.0_WITH_LLVM-exception", ""), "Apache-2.0 WITH LLVM-exception")
        self.assertEqual(c("LICENSE-ISC", ""), "ISC")
        self.assertEqual(c("UNLICENSE", ""), "Unlicense")
        self.assertEqual(c("NOTICE", "anything"), "NOTICE")
        self.assertEqual(c("LICENSE", MIT.format("x")), "MIT")
        self.assertEqual(c("LICENSE.txt", ISC), "ISC")
        self.assertEqual(c("LICENSE", APACHE), "Apache-2.0")
        self.assertEqual(c("src/spin/LICENSE", MIT.format("x")), "MIT")
        self.assertIsNone(c("COPYRIGHT", MIT.format("x")))
        self.assertIsNone(c("COPYING", "dual-licensed under the Unlicense and MIT"))

    def test_finds_top_level_and_vendored_files_but_not_tests(self):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            (d / "LICENSE-MIT").write_text("mit\r\n  \r\n")
            (d / "README.md").write_text("not a license")
            (d / "third_party" / "fiat").mkdir(parents=True)
            (d / "third_party" / "fiat" / "LICENSE").write_text("fiat")
            (d / "tests").mkdir()
            (d / "tests" / "LICENSE").write_text("test data")
            files = sc.license_files(d)
        self.assertEqual(files, [("LICENSE-MIT", "mit\n"), ("third_party/fiat/LICENSE", "fiat\n")])

    def test_dual_license_keeps_the_chosen_text_and_notices(self):
        files = [("LICENSE-APACHE", APACHE), ("LICENSE-MIT", MIT.format("a")), ("NOTICE", "n\n"), ("COPYRIGHT", "c\n")]
        n = sc.crate_notice("a", "MIT OR Apache-2.0", files, standard)
        self.assertEqual(n.licenses, ["MIT"])
        self.assertEqual([t for t, _ in n.texts], ["LICENSE-MIT", "NOTICE", "COPYRIGHT"])
        self.assertEqual(n.standard, 0)

    def test_and_keeps_every_text_and_vendored_files(self):
        files = [("LICENSE", "See LICENSE-other-bits.\n"), ("LICENSE-BoringSSL", APACHE), ("LICENSE-other-bits", ISC),
                 ("third_party/fiat/LICENSE", MIT.format("fiat"))]
        n = sc.crate_notice("ring", "Apache-2.0 AND ISC", files, standard)
        self.assertEqual(n.licenses, ["Apache-2.0", "ISC"])
        self.assertEqual([t for t, _ in n.texts], [f for f, _ in files])

    def test_no_file_takes_a_standard_text(self):
        n = sc.crate_notice("jni", "MIT OR Apache-2.0", [], standard)
        self.assertEqual((n.licenses, n.texts, n.standard), (["Apache-2.0"], [("Apache-2.0", "APACHE STANDARD\n")], 1))
        n = sc.crate_notice("uniffi", "MPL-2.0", [], standard)
        self.assertEqual(n.texts, [("MPL-2.0", "MPL STANDARD\n")])

    def test_no_file_and_no_standard_text_is_an_error(self):
        with self.assertRaises(sc.SupplyChainError):
            sc.crate_notice("x", "MIT", [], standard)

    def test_files_that_do_not_match_the_license_are_all_shown(self):
        files = [("LICENSE", "Some custom words.\n"), ("COPYING", "More.\n")]
        n = sc.crate_notice("x", "MIT", files, standard)
        self.assertEqual([t for t, _ in n.texts], ["LICENSE", "COPYING"])


class Tree(unittest.TestCase):
    def test_parses_depths_paths_and_repeats(self):
        out = "\n".join([
            "0latchkey-ffi v0.1.0 (/w/bindings)",
            "1latchkey-core v0.1.0 (/w/core)",
            "2ring v0.17.14",
            "3cfg-if v1.0.5",
            "2log v0.4.35",
            "1ring v0.17.14 (*)",
            "1log v0.4.35",
        ])
        nodes, edges = sc.parse_tree(out)
        self.assertEqual(len(nodes), 5)
        self.assertEqual(edges, {
            (("latchkey-ffi", "0.1.0"), ("latchkey-core", "0.1.0")),
            (("latchkey-core", "0.1.0"), ("ring", "0.17.14")),
            (("ring", "0.17.14"), ("cfg-if", "1.0.5")),
            (("latchkey-core", "0.1.0"), ("log", "0.4.35")),
            (("latchkey-ffi", "0.1.0"), ("ring", "0.17.14")),
            (("latchkey-ffi", "0.1.0"), ("log", "0.4.35")),
        })

    def test_reads_checksums_from_cargo_lock(self):
        lock = "\n".join([
            "version = 4",
            "",
            "[[package]]",
            'name = "latchkey-core"',
            'version = "0.1.0"',
            "dependencies = [",
            ' "ring",',
            "]",
            "",
            "[[package]]",
            'name = "ring"',
            'version = "0.17.14"',
            'source = "registry+https://github.com/rust-lang/crates.io-index"',
            'checksum = "a4689e6c"',
        ])
        self.assertEqual(sc.lock_checksums(lock), {("latchkey-core", "0.1.0"): None, ("ring", "0.17.14"): "a4689e6c"})

    def test_rejects_unexpected_lines(self):
        with self.assertRaises(sc.SupplyChainError):
            sc.parse_tree("├── ring v0.17.14")

    def test_path_dependencies_outside_the_workspace(self):
        md = {
            "workspace_members": ["path+file:///w/core#latchkey-core@0.1.0"],
            "packages": [
                {"name": "latchkey-core", "version": "0.1.0", "source": None,
                 "id": "path+file:///w/core#latchkey-core@0.1.0", "manifest_path": "/w/core/Cargo.toml"},
                {"name": "ring", "version": "0.17.14", "source": "registry+https://github.com/rust-lang/crates.io-index",
                 "id": "registry+...#ring@0.17.14", "manifest_path": "/r/ring/Cargo.toml"},
                {"name": "patched", "version": "1.0.0", "source": None,
                 "id": "path+file:///elsewhere#patched@1.0.0", "manifest_path": "/elsewhere/Cargo.toml"},
            ],
        }
        self.assertEqual(sc.outside_path_dependencies(md), ["patched 1.0.0 (/elsewhere)"])


def small_graph():
    targets = ["aarch64-linux-android", "x86_64-linux-android"]
    root = crate("latchkey-ffi", "0.1.0", "Apache-2.0", None, targets, description="the library")
    core = crate("latchkey-core", "0.1.0", "Apache-2.0", None, targets)
    ring = crate("ring", "0.17.14", "Apache-2.0 AND ISC", targets=targets, checksum="ab" * 32,
                 repository="https://example.org/ring")
    jni = crate("jni", "0.22.4", "MIT/Apache-2.0", targets=targets[:1])
    crates = {c.key: c for c in (root, core, ring, jni)}
    edges = {(root.key, core.key), (core.key, ring.key), (root.key, jni.key)}
    return sc.Graph(root, crates, edges, targets)


class Sbom(unittest.TestCase):
    def test_document(self):
        doc = sc.sbom(small_graph(), "android")
        self.assertEqual(doc["bomFormat"], "CycloneDX")
        self.assertEqual(doc["specVersion"], "1.5")
        self.assertRegex(doc["serialNumber"], r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertEqual(doc["metadata"]["component"]["bom-ref"], "latchkey-ffi@0.1.0")
        names = [c["name"] for c in doc["components"]]
        self.assertEqual(names, ["jni", "latchkey-core", "ring"])
        jni, core, ring = doc["components"]
        self.assertEqual(jni["licenses"], [{"expression": "MIT OR Apache-2.0"}])
        self.assertEqual(jni["properties"], [{"name": "latchkey:targets", "value": "aarch64-linux-android"}])
        self.assertEqual(ring["purl"], "pkg:cargo/ring@0.17.14")
        self.assertEqual(ring["hashes"], [{"alg": "SHA-256", "content": "ab" * 32}])
        self.assertNotIn("properties", ring)
        self.assertNotIn("purl", core)
        self.assertEqual(core["properties"], [{"name": "latchkey:source", "value": "workspace"}])
        deps = {d["ref"]: d["dependsOn"] for d in doc["dependencies"]}
        self.assertEqual(deps["latchkey-ffi@0.1.0"], ["latchkey-core@0.1.0", "pkg:cargo/jni@0.22.4"])
        self.assertEqual(deps["latchkey-core@0.1.0"], ["pkg:cargo/ring@0.17.14"])
        self.assertEqual(deps["pkg:cargo/ring@0.17.14"], [])

    def test_deterministic_and_serial_follows_content(self):
        a = sc.render_json(sc.sbom(small_graph(), "android"))
        self.assertEqual(a, sc.render_json(sc.sbom(small_graph(), "android")))
        g = small_graph()
        g.crates[("ring", "0.17.14")].checksum = "cd" * 32
        b = json.loads(sc.render_json(sc.sbom(g, "android")))
        self.assertNotEqual(json.loads(a)["serialNumber"], b["serialNumber"])


class Notices(unittest.TestCase):
    def test_groups_identical_texts_and_lists_mpl_sources(self):
        g = small_graph()
        with tempfile.TemporaryDirectory() as d:
            for name in ("ring", "jni", "uniffi", "other"):
                (Path(d) / name).mkdir()
            (Path(d) / "ring" / "LICENSE-other-bits").write_text(ISC)
            (Path(d) / "ring" / "LICENSE-BoringSSL").write_text(APACHE)
            (Path(d) / "other" / "LICENSE-APACHE").write_text(APACHE)
            g.crates[("ring", "0.17.14")].crate_dir = Path(d) / "ring"
            g.crates[("jni", "0.22.4")].crate_dir = Path(d) / "jni"
            uniffi = crate("uniffi", "0.32.2", "MPL-2.0", targets=g.targets, crate_dir=Path(d) / "uniffi",
                           repository="https://example.org/uniffi")
            other = crate("other", "1.0.0", "Apache-2.0", targets=g.targets, crate_dir=Path(d) / "other")
            g.crates[uniffi.key] = uniffi
            g.crates[other.key] = other
            text = sc.notices(g, lambda c: "Android", standard)
        self.assertIn("| jni | 0.22.4 | MIT OR Apache-2.0 | Apache-2.0 | Android |", text)
        self.assertIn("| ring | 0.17.14 | Apache-2.0 AND ISC | Apache-2.0 AND ISC | Android |", text)
        self.assertIn("- uniffi 0.32.2: https://crates.io/crates/uniffi/0.32.2, https://example.org/uniffi", text)
        self.assertIn("### jni 0.22.4: Apache-2.0 (standard text: the package ships no license file)", text)
        # ring's and other's Apache files are the same text: shown once.
        self.assertEqual(text.count("TERMS AND CONDITIONS"), 1)
        self.assertIn("- ring 0.17.14: LICENSE-BoringSSL (Apache-2.0)", text)
        self.assertIn("4 third-party crates", text)
        self.assertNotIn("| latchkey-core |", text)

    def test_fence_outlasts_backticks_in_the_text(self):
        self.assertEqual(sc.fence("plain"), "```")
        self.assertEqual(sc.fence("a ```` b"), "`````")


class WriteOrCheck(unittest.TestCase):
    def test_check_reports_stale_and_missing_files(self):
        with tempfile.TemporaryDirectory() as d, contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            path = Path(d) / "out.txt"
            self.assertEqual(sc.write_or_check({path: "a\n"}, True, "t", "x"), 1)
            self.assertEqual(sc.write_or_check({path: "a\n"}, False, "t", "x"), 0)
            self.assertEqual(sc.write_or_check({path: "a\n"}, True, "t", "x"), 0)
            path.write_text("b\n")
            self.assertEqual(sc.write_or_check({path: "a\n"}, True, "t", "x"), 1)


if __name__ == "__main__":
    unittest.main()
