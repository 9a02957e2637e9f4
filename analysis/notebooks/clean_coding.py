# %% [markdown]
# # Cleaning the coded cases, informants, communities, flows and coverage
#
# These tables are qualitative coding: vocabularies are enforced by the schema already, so the
# cleaning here joins and checks what the schema cannot: citation keys against the
# bibliography, the years a case is observed, and the provision ids that support each
# coverage judgement.

# %% tags=["parameters"]
inputs = {"package": "data/datapackage.json", "bibliography": "references.bib"}
outputs = {}

# %%
from compendium import clean, evidence
from compendium.bibliography import load_bibliography
from compendium.datapackage import load_tables

tables = load_tables(
    inputs["package"],
    names=[
        "modalities",
        "cases",
        "informants",
        "communities",
        "flows",
        "coverage",
        "provisions",
        "instruments",
    ],
)
citation_keys = load_bibliography(inputs["bibliography"]).keys()

# %% [markdown]
# ## Modalities and cases
# Each modality's span (the years the article shows it active) comes from what the article
# says about the modality, with the phrase that gives each bound: a start year must be named
# by its phrase, or the start is coded as a bound (`no-later-than`). A case's last year must
# not precede its first year.

# %%
modalities = clean.frame(tables["modalities"])
evidence.check_span_evidence(modalities)
modalities = clean.finish(modalities, "position")
cases = clean.frame(tables["cases"])
clean.check_citation_keys(cases, citation_keys)
clean.check_year_order(cases, "first_year", "last_year")
cases = clean.finish(cases, "case_id")
cases[["case_id", "modality", "first_year", "last_year"]]

# %% [markdown]
# ## Informants and communities of practice

# %%
informants = clean.finish(clean.frame(tables["informants"]), "informant_id")
communities = clean.finish(clean.frame(tables["communities"]), "community_id")
informants[["informant_id", "stakeholder_group", "sector"]]

# %% [markdown]
# ## Knowledge flows
# A flow from a community to itself would make a trivial cycle; the coding never has one.

# %%
flows = clean.frame(tables["flows"])
clean.check_citation_keys(flows, citation_keys)
clean.check_no_self_flows(flows)
flows = clean.finish(flows, "flow_id")
flows[["flow_id", "from_community", "to_community"]]

# %% [markdown]
# ## Regulatory coverage
# Every provision id cited as support for a coverage judgement must exist.

# %%
coverage = clean.frame(tables["coverage"])
clean.check_citation_keys(coverage, citation_keys)
clean.check_listed_keys(
    coverage, "provision_ids", {row["provision_id"] for row in tables["provisions"].rows}
)
coverage = clean.finish(coverage, ["instrument_id", "modality"])
coverage[["instrument_id", "modality", "how"]]

# %%
clean.write_csv(modalities, outputs["modalities"])
clean.write_csv(cases, outputs["cases"])
clean.write_csv(informants, outputs["informants"])
clean.write_csv(communities, outputs["communities"])
clean.write_csv(flows, outputs["flows"])
clean.write_csv(coverage, outputs["coverage"])
