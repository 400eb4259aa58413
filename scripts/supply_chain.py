"""What the latchkey mobile library is made of, for scripts/gen-sbom,
scripts/gen-notices and scripts/check-supply-chain.

"The mobile library" is latchkey-ffi as release builds make it: default
features, on the Android and iOS targets that android/build-aar.sh and
ios/build-xcframework.sh build. Its crates are the ones `cargo tree` resolves
for exactly that (normal dependencies only, no dev- or build-dependencies,
no proc-macros: those run in the compiler and are not linked), with the
package facts from `cargo metadata` and the checksums from Cargo.lock.

Everything here is deterministic: the same Cargo.lock and crate sources
give byte-identical files, so CI can compare them with the committed ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = "latchkey-ffi"

# The targets each shipped artifact holds (x86_64-apple-ios: the Intel
# simulator slice of the XCFramework).
PLATFORMS = {
    "android": ["aarch64-linux-android", "armv7-linux-androideabi", "x86_64-linux-android"],
    "ios": ["aarch64-apple-ios", "aarch64-apple-ios-sim", "x86_64-apple-ios"],
}
PLATFORM_NAMES = {"android": "Android", "ios": "iOS"}

SBOM_DIR = ROOT / "bindings" / "sbom"
NOTICES = ROOT / "bindings" / "THIRD_PARTY_NOTICES.md"
LICENSE = ROOT / "LICENSE"
# Standard license texts, for the project's own LICENSE and for crates
# whose package ships no license file.
STANDARD_TEXTS = ROOT / "supply-chain" / "licenses"

# Which license to show when a crate offers a choice ("MIT OR Apache-2.0"),
# most preferred first: the shortest obligations (keep the notice) first.
# supply-chain/policy.md says why each one is allowed.
PREFERENCE = [
    "MIT",
    "ISC",
    "BSD-3-Clause",
    "Apache-2.0",
    "Unicode-3.0",
    "MPL-2.0",
    "CDLA-Permissive-2.0",
]


class SupplyChainError(Exception):
    """A fact of the dependency tree the generators can't turn into output."""


# --- SPDX license expressions -------------------------------------------


@dataclass(frozen=True)
class Lic:
    id: str

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class Op:
    op: str  # "AND" or "OR"
    args: tuple

    def __str__(self) -> str:
        def part(a):
            # AND binds tighter than OR: only an OR inside an AND needs brackets.
            s = str(a)
            return f"({s})" if isinstance(a, Op) and a.op == "OR" and self.op == "AND" else s

        return f" {self.op} ".join(part(a) for a in self.args)


_TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9.+\-]+)")


def parse_license(expr: str):
    """Parses an SPDX expression, also the old "MIT/Apache-2.0" form (an OR).

    "A WITH B" is kept as one license id, "A WITH B": the exception is part
    of what the text has to say.
    """
    tokens = []
    pos = 0
    text = expr.replace("/", " OR ")
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos:].strip() == "":
                break
            raise SupplyChainError(f"can't parse license expression {expr!r}")
        tokens.append(m.group(1))
        pos = m.end()
    tokens = [t for t in tokens if t]
    i = 0

    def peek():
        return tokens[i] if i < len(tokens) else None

    def take():
        nonlocal i
        if i >= len(tokens):
            raise SupplyChainError(f"license expression {expr!r} ends too early")
        i += 1
        return tokens[i - 1]

    def primary():
        t = take()
        if t == "(":
            node = disjunction()
            if take() != ")":
                raise SupplyChainError(f"unbalanced brackets in {expr!r}")
            return node
        if t in ("AND", "OR", "WITH", ")"):
            raise SupplyChainError(f"unexpected {t!r} in {expr!r}")
        if peek() == "WITH":
            take()
            return Lic(f"{t} WITH {take()}")
        return Lic(t)

    def chain(op, sub):
        args = [sub()]
        while peek() == op:
            take()
            args.append(sub())
        return args[0] if len(args) == 1 else Op(op, tuple(args))

    def conjunction():
        return chain("AND", primary)

    def disjunction():
        return chain("OR", conjunction)

    node = disjunction()
    if i != len(tokens):
        raise SupplyChainError(f"trailing {tokens[i]!r} in {expr!r}")
    return node


def rank(license_id: str) -> int:
    return PREFERENCE.index(license_id) if license_id in PREFERENCE else len(PREFERENCE)


def choose_licenses(node, has_text) -> list[str]:
    """The licenses to comply with: all parts of an AND, and of an OR the
    alternative whose texts we have, most preferred (PREFERENCE) first."""
    if isinstance(node, Lic):
        return [node.id]
    if node.op == "AND":
        out = []
        for a in node.args:
            for lic in choose_licenses(a, has_text):
                if lic not in out:
                    out.append(lic)
        return out
    options = [choose_licenses(a, has_text) for a in node.args]
    return min(
        options,
        key=lambda ids: (not all(has_text(x) for x in ids), max(rank(x) for x in ids), len(ids)),
    )


def normalize_license(expr: str) -> str:
    """A valid SPDX expression for a crate's license field ("/" -> OR)."""
    return str(parse_license(expr))


# --- License files -------------------------------------------------------

_LICENSE_FILE = re.compile(r"^(licen[cs]e|copying|copyright|notice|unlicense)([-_. ].*)?$", re.I)

# Recognised from a file's name (after "LICENSE-", case-insensitive).
_NAME_HINTS = [
    ("llvm-exception", "Apache-2.0 WITH LLVM-exception"),
    ("apache", "Apache-2.0"),
    ("mit", "MIT"),
    ("isc", "ISC"),
    ("bsd", "BSD-3-Clause"),
    ("zlib", "Zlib"),
    ("boost", "BSL-1.0"),
    ("mpl", "MPL-2.0"),
    ("unicode", "Unicode-3.0"),
]

# Recognised from the text when the name says nothing ("LICENSE").
_TEXT_HINTS = [
    ("LLVM Exceptions to the Apache 2.0 License", "Apache-2.0 WITH LLVM-exception"),
    ("Permission is hereby granted, free of charge", "MIT"),
    ("Apache License", "Apache-2.0"),
    ("Permission to use, copy, modify, and/or distribute this software", "ISC"),
    ("Permission to use, copy, modify, and distribute this software", "ISC"),
    ("Mozilla Public License Version 2.0", "MPL-2.0"),
    ("This is free and unencumbered software released into the public domain", "Unlicense"),
    ("UNICODE LICENSE", "Unicode-3.0"),
    ("Redistribution and use in source and binary forms", "BSD-3-Clause"),
]


def classify_license_file(name: str, text: str) -> str | None:
    """The license a file holds: "MIT", ..., "NOTICE", or None if unknown
    (a COPYRIGHT file, a statement naming several licenses)."""
    lower = name.rsplit("/", 1)[-1].lower()
    if lower.startswith("notice"):
        return "NOTICE"
    if lower.startswith("unlicense"):
        return "Unlicense"
    stem = re.sub(r"^(licen[cs]e|copying)[-_. ]?", "", lower)
    stem = re.sub(r"\.(txt|md)$", "", stem)
    for hint, lic in _NAME_HINTS:
        if hint in stem:
            return lic
    if lower.startswith("copyright"):
        return None
    head = text[:4000]
    for hint, lic in _TEXT_HINTS:
        if hint in head:
            return lic
    return None


def license_files(crate_dir: Path, license_file: str | None = None) -> list[tuple[str, str]]:
    """(path, text) of a crate package's license files: at its top level,
    and below it for code it vendors (ring's third_party/fiat/LICENSE)."""
    found = []
    for here, dirs, files in os.walk(crate_dir):
        dirs[:] = sorted(d for d in dirs if d not in _NOT_SHIPPED)
        rel = Path(here).relative_to(crate_dir)
        found += [(rel / f).as_posix() for f in files if _LICENSE_FILE.match(f)]
    if license_file and (crate_dir / license_file).is_file():
        found.append(Path(license_file).as_posix())
    names = sorted(set(found), key=lambda n: (n.count("/"), n))
    return [(n, clean_text((crate_dir / n).read_text(encoding="utf-8", errors="replace"))) for n in names]


# Folders of a crate package whose code is not in the library.
_NOT_SHIPPED = {"tests", "benches", "examples", "fuzz", "target", ".git"}


def clean_text(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n") + "\n"


def standard_text(license_id: str) -> str | None:
    path = STANDARD_TEXTS / f"{license_id}.txt"
    return clean_text(path.read_text(encoding="utf-8")) if path.is_file() else None


@dataclass
class Notice:
    """One crate's licenses as the notices file shows them."""

    licenses: list[str]
    # (title, text): the crate's own files (path in its package), or
    # standard texts (titled by license id), which come first.
    texts: list[tuple[str, str]]
    # How many of `texts` are standard texts.
    standard: int = 0


def crate_notice(name: str, expr: str, files: list[tuple[str, str]], standard=standard_text) -> Notice:
    """Picks the licenses to comply with and the texts that say them."""
    # Files below the top level are the licenses of code the crate vendors:
    # they apply whatever the crate's own license choice.
    vendored = [(n, t) for n, t in files if "/" in n]
    files = [(n, t) for n, t in files if "/" not in n]
    classified = [(n, t, classify_license_file(n, t)) for n, t in files]
    in_files = {c for _, _, c in classified if c}
    chosen = choose_licenses(parse_license(expr), lambda lic: lic in in_files or standard(lic) is not None)
    if all(lic in in_files for lic in chosen):
        # The files of the chosen licenses, the NOTICE files (Apache-2.0
        # asks for them) and the ones we can't tell (copyright statements).
        keep = [(n, t) for n, t, c in classified if c in chosen or c in (None, "NOTICE")]
        return Notice(chosen, keep + vendored)
    if not files and all(standard(lic) is not None for lic in chosen):
        texts = [(lic, standard(lic)) for lic in chosen]
        return Notice(chosen, texts + vendored, standard=len(texts))
    if files:
        # Files we can't match to the declared licenses: show them all
        # rather than guess.
        return Notice(chosen, [(n, t) for n, t, _ in classified] + vendored)
    raise SupplyChainError(
        f"{name} ships no license file and there is no standard text for {' AND '.join(chosen)}: "
        f"add it as supply-chain/licenses/<SPDX id>.txt"
    )


# --- The dependency graph ------------------------------------------------


@dataclass
class Crate:
    name: str
    version: str
    license: str
    source: str | None  # None: a workspace crate
    description: str = ""
    repository: str | None = None
    homepage: str | None = None
    checksum: str | None = None
    crate_dir: Path | None = None
    license_file: str | None = None
    # The targets (triples) it is linked on.
    targets: set = field(default_factory=set)

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.version)

    @property
    def ref(self) -> str:
        return purl(self) or f"{self.name}@{self.version}"


def purl(crate: Crate) -> str | None:
    return f"pkg:cargo/{crate.name}@{crate.version}" if crate.source else None


_TREE_LINE = re.compile(r"^(\d+)(\S+) v(\S+)(?: \(([^)]*)\))?(?: \(\*\))?$")


def parse_tree(output: str) -> tuple[set, set]:
    """Nodes and (parent, child) edges of `cargo tree --prefix depth --format {p}`."""
    nodes, edges = set(), set()
    stack: list[tuple[str, str]] = []
    for line in output.splitlines():
        if not line.strip():
            continue
        m = _TREE_LINE.match(line.strip())
        if not m:
            raise SupplyChainError(f"unexpected cargo tree line: {line!r}")
        depth, key = int(m.group(1)), (m.group(2), m.group(3))
        nodes.add(key)
        del stack[depth:]
        if depth:
            edges.add((stack[depth - 1], key))
        stack.append(key)
    return nodes, edges


def cargo(*args: str) -> str:
    return subprocess.run(
        ["cargo", *args], cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
    ).stdout


def tree_for(target: str) -> tuple[set, set]:
    out = cargo(
        "tree", "--locked", "-p", LIBRARY, "--target", target,
        "-e", "normal,no-proc-macro", "--prefix", "depth", "--format", "{p}",
    )
    return parse_tree(out)


@dataclass
class Graph:
    root: Crate
    crates: dict  # key -> Crate (the root included)
    edges: set  # (parent key, child key)
    targets: list


def lock_checksums(text: str) -> dict:
    """(name, version) -> checksum from Cargo.lock. A line scan, not a TOML
    parser: the build scripts run this with macOS's Python 3.9 (no tomllib),
    and Cargo.lock's [[package]] entries are one `key = "value"` a line."""
    out = {}
    for block in text.split("[[package]]")[1:]:
        fields = dict(re.findall(r'^(name|version|checksum) = "([^"]*)"$', block, re.M))
        if "name" in fields and "version" in fields:
            out[(fields["name"], fields["version"])] = fields.get("checksum")
    return out


def load_graph(targets: list[str], metadata: dict | None = None) -> Graph:
    metadata = metadata or json.loads(cargo("metadata", "--format-version", "1", "--locked"))
    checksums = lock_checksums((ROOT / "Cargo.lock").read_text())
    packages = {(p["name"], p["version"]): p for p in metadata["packages"]}
    crates: dict = {}
    edges: set = set()
    for target in targets:
        nodes, target_edges = tree_for(target)
        edges |= target_edges
        for key in nodes:
            if key not in crates:
                p = packages[key]
                crates[key] = Crate(
                    name=p["name"],
                    version=p["version"],
                    license=p.get("license") or "",
                    source=p.get("source"),
                    description=" ".join((p.get("description") or "").split()),
                    repository=p.get("repository"),
                    homepage=p.get("homepage"),
                    checksum=checksums.get(key),
                    crate_dir=Path(p["manifest_path"]).parent,
                    license_file=p.get("license_file"),
                )
            crates[key].targets.add(target)
    root = next(c for c in crates.values() if c.name == LIBRARY)
    return Graph(root, crates, edges, targets)


def outside_path_dependencies(metadata: dict) -> list[str]:
    """Packages from a path (no source) that are not workspace members."""
    members = set(metadata["workspace_members"])
    return sorted(
        f"{p['name']} {p['version']} ({Path(p['manifest_path']).parent})"
        for p in metadata["packages"]
        if p.get("source") is None and p["id"] not in members
    )


# --- CycloneDX -----------------------------------------------------------


def sbom(graph: Graph, platform: str) -> dict:
    """A CycloneDX 1.5 document: the library as metadata.component, every
    crate it links as a component, and the dependency graph."""

    def component(c: Crate) -> dict:
        out: dict = {"type": "library", "bom-ref": c.ref, "name": c.name, "version": c.version}
        if c.description:
            out["description"] = c.description
        if c is not graph.root:
            out["scope"] = "required"
        if c.checksum:
            out["hashes"] = [{"alg": "SHA-256", "content": c.checksum}]
        if c.license:
            out["licenses"] = [{"expression": normalize_license(c.license)}]
        if purl(c):
            out["purl"] = purl(c)
        refs = []
        if c.source:
            refs.append({"type": "distribution", "url": f"https://crates.io/crates/{c.name}/{c.version}"})
        if c.repository:
            refs.append({"type": "vcs", "url": c.repository})
        if c.homepage and c.homepage != c.repository:
            refs.append({"type": "website", "url": c.homepage})
        if refs:
            out["externalReferences"] = refs
        props = []
        if not c.source:
            props.append({"name": "latchkey:source", "value": "workspace"})
        if set(graph.targets) - c.targets:
            props.append({"name": "latchkey:targets", "value": " ".join(sorted(c.targets))})
        if props:
            out["properties"] = props
        return out

    deps: dict = {key: set() for key in graph.crates}
    for parent, child in graph.edges:
        deps[parent].add(child)
    others = sorted((c for c in graph.crates.values() if c is not graph.root), key=lambda c: c.key)
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "scripts/gen-sbom (latchkey)"}]},
            "component": component(graph.root),
            "properties": [
                {"name": "latchkey:platform", "value": PLATFORM_NAMES[platform]},
                {"name": "latchkey:targets", "value": " ".join(graph.targets)},
                {"name": "latchkey:features", "value": "default"},
            ],
        },
        "components": [component(c) for c in others],
        "dependencies": [
            {
                "ref": graph.crates[key].ref,
                "dependsOn": sorted(graph.crates[d].ref for d in deps[key]),
            }
            for key in sorted(graph.crates)
        ],
    }
    # A serial number that changes with the content and only with it (a
    # random one would make every run differ).
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).digest()
    ordered = {"bomFormat": doc.pop("bomFormat"), "specVersion": doc.pop("specVersion")}
    ordered["serialNumber"] = f"urn:uuid:{uuid.UUID(bytes=digest[:16], version=4)}"
    ordered.update(doc)
    return ordered


def render_json(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- Notices -------------------------------------------------------------


def fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def notices(graph: Graph, platforms_of, standard=standard_text) -> str:
    """The third-party notices for an app's "Licenses" screen (Markdown)."""
    crates = sorted(
        (c for c in graph.crates.values() if c.source), key=lambda c: c.key
    )
    own = sorted(c.name for c in graph.crates.values() if not c.source)
    rows, blocks, mpl = [], {}, []
    for c in crates:
        files = license_files(c.crate_dir, c.license_file) if c.crate_dir else []
        n = crate_notice(c.name, c.license, files, standard)
        rows.append(
            f"| {c.name} | {c.version} | {normalize_license(c.license)} | "
            f"{' AND '.join(n.licenses)} | {platforms_of(c)} |"
        )
        if "MPL-2.0" in n.licenses:
            mpl.append(c)
        for i, (title, text) in enumerate(n.texts):
            if i < n.standard:
                what = f"{title} (standard text: the package ships no license file)"
            else:
                lic = classify_license_file(title, text)
                what = f"{title} ({lic})" if lic and lic != "NOTICE" else title
            # Identical texts (the same Apache-2.0 file, say) are shown once.
            block = blocks.setdefault(text, [])
            block.append(f"{c.name} {c.version}: {what}")

    out = [
        "# Third-party notices: latchkey mobile library",
        "",
        f"The latchkey mobile library ({LIBRARY} {graph.root.version}, the native libraries",
        f"in the Android AAR and the iOS XCFramework) is licensed under {graph.root.license}:",
        "see LICENSE, shipped beside this file. Besides latchkey's own crates",
        f"({', '.join(own)}), it is built from the {len(crates)} third-party crates",
        "below, whose licenses and notices follow. An app that ships the library",
        'shows this file, or its content, on its "Licenses" screen.',
        "",
        "Generated by `scripts/gen-notices` (do not edit), with default features, for:",
        "",
        *(
            f"- {PLATFORM_NAMES[p]}: {', '.join(t for t in ts if t in graph.targets)}"
            for p, ts in PLATFORMS.items()
            if set(ts) & set(graph.targets)
        ),
        "",
        "Dev- and build-dependencies and proc-macros are not part of the library.",
        "",
        "## Crates",
        "",
        "| crate | version | license | used under | platforms |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
    ]
    if mpl:
        out += [
            "## Source code of the MPL-2.0 crates",
            "",
            "These crates are used unmodified under the Mozilla Public License 2.0;",
            "their source code is available from crates.io and their repositories:",
            "",
        ]
        for c in mpl:
            where = f"https://crates.io/crates/{c.name}/{c.version}"
            out.append(f"- {c.name} {c.version}: {where}" + (f", {c.repository}" if c.repository else ""))
        out.append("")
    out += ["## License texts", ""]
    for text, users in blocks.items():
        out += [f"### {users[0]}", ""]
        if len(users) > 1:
            out += ["The same text for:", "", *(f"- {u}" for u in users[1:]), ""]
        out += [f"{fence(text)}text", text.rstrip("\n"), fence(text), ""]
    return "\n".join(out)


def platforms_label(crate: Crate) -> str:
    names = [
        PLATFORM_NAMES[p] for p, triples in PLATFORMS.items() if crate.targets & set(triples)
    ]
    return ", ".join(names)


def own_license_text(lic: str) -> str:
    """The standard text of the library's license (its Cargo.toml's, from
    workspace.package.license)."""
    text = standard_text(lic)
    if text is None:
        raise SupplyChainError(f"no standard text for the project's license {lic} in {STANDARD_TEXTS}")
    return text


# --- Command lines -------------------------------------------------------


def shown(path: Path) -> Path:
    try:
        return path.relative_to(ROOT)
    except ValueError:
        return path


def write_or_check(outputs: dict, check: bool, tool: str, regenerate: str) -> int:
    stale = []
    for path, content in outputs.items():
        rel = shown(path)
        if check:
            current = path.read_text(encoding="utf-8") if path.is_file() else None
            if current != content:
                stale.append(str(rel))
                print(f"[{tool}] {rel} differs from what the dependency tree gives", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            print(f"[{tool}] wrote {rel}")
    if stale:
        print(f"[{tool}] stale: run {regenerate} and commit", file=sys.stderr)
        return 1
    if check:
        print(f"[{tool}] {', '.join(str(shown(p)) for p in outputs)} up to date")
    return 0


def sbom_outputs() -> dict:
    metadata = json.loads(cargo("metadata", "--format-version", "1", "--locked"))
    out = {}
    for platform, targets in PLATFORMS.items():
        graph = load_graph(targets, metadata)
        out[SBOM_DIR / f"{LIBRARY}-{platform}.cdx.json"] = render_json(sbom(graph, platform))
    return out


def notices_outputs() -> dict:
    targets = [t for ts in PLATFORMS.values() for t in ts]
    graph = load_graph(targets)
    return {LICENSE: own_license_text(graph.root.license), NOTICES: notices(graph, platforms_label)}


def usage(tool: str) -> int:
    print(f"usage: scripts/{tool} [--check]", file=sys.stderr)
    return 2


def main(tool: str, argv: list[str]) -> int:
    if argv not in ([], ["--check"]):
        return usage(tool)
    check = argv == ["--check"]
    try:
        if tool == "gen-sbom":
            return write_or_check(sbom_outputs(), check, tool, "scripts/gen-sbom")
        if tool == "gen-notices":
            return write_or_check(notices_outputs(), check, tool, "scripts/gen-notices")
        if tool == "check-paths":
            metadata = json.loads(cargo("metadata", "--format-version", "1", "--locked"))
            outside = outside_path_dependencies(metadata)
            for p in outside:
                print(f"[supply-chain] path dependency outside the workspace: {p}", file=sys.stderr)
            return 1 if outside else 0
    except SupplyChainError as err:
        print(f"[{tool}] {err}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as err:
        print(f"[{tool}] {' '.join(err.cmd)} failed (exit {err.returncode})", file=sys.stderr)
        return 1
    return usage(tool)


if __name__ == "__main__":
    sys.exit(main("check-paths", sys.argv[1:]))
