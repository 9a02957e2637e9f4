"""results/provenance.intoto.json: the build receipt in the standard form supply-chain tools read,
an in-toto Statement v1 with a SLSA Provenance v1 predicate (docs/build-receipt.md lists what each
field holds).

It carries no time stamp, host or commit: like every other output it must be byte-identical
across clean builds of the same sources, and the sources' hashes say what was built better than
a commit id could (a commit cannot record its own id).
"""

from __future__ import annotations

import uuid

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"

#: Stable identifiers of this kind of build and of its builder. `urn:uuid:` is a registered URI
#: scheme, so these are valid type URIs without depending on where the repository is hosted;
#: docs/build-receipt.md says what they stand for.
BUILD_TYPE = uuid.uuid5(uuid.NAMESPACE_URL, "stemcell-pluralism-compendium/build-type/make/v1").urn
BUILDER_ID = uuid.uuid5(uuid.NAMESPACE_URL, "stemcell-pluralism-compendium/builder/make").urn


def descriptors(hashes: dict[str, str]) -> list[dict]:
    """ResourceDescriptors, one per file: its path as name and its SHA-256 as digest."""
    return [{"name": path, "digest": {"sha256": digest}} for path, digest in sorted(hashes.items())]


def statement(
    published: dict, inputs: dict, environment: dict, parameters: dict, source_date_epoch: int
) -> dict:
    """The in-toto Statement with its SLSA Provenance predicate (plain data, ready for JSON)."""
    packages = environment["packages"]
    return {
        "_type": STATEMENT_TYPE,
        "subject": descriptors(published),
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {"command": "make", "config": parameters},
                "internalParameters": {"SOURCE_DATE_EPOCH": str(source_date_epoch)},
                "resolvedDependencies": descriptors(inputs),
            },
            "runDetails": {
                "builder": {
                    "id": BUILDER_ID,
                    "version": {tool: environment[tool] for tool in ("python", "pandoc", "typst")}
                    | {"snakemake": packages.get("snakemake") or ""},
                    # each locked package by its package URL (purl), as SLSA suggests
                    "builderDependencies": [
                        {
                            "name": name,
                            "uri": f"pkg:pypi/{name.lower().replace('_', '-')}@{version}",
                        }
                        for name, version in sorted(packages.items())
                        if version
                    ],
                },
                "metadata": {},
            },
        },
    }
