# %% [markdown]
# # Cleaning the dates of events, instruments and provisions
#
# The article dates what it reports at very different grains: a day ("1 May 2009"), a month
# ("January 2012"), a year ("2004"), part of a decade ("the early 2000s"). The coding sheets keep
# the words as written and a coded form (`date_coded`) with its `precision`; this notebook turns
# each coded date into the interval of days it covers, so that the timeline can draw a span
# where the article gives a span. The coding rules are in `data/README.md`.

# %% tags=["parameters"]
inputs = {"package": "data/datapackage.json", "bibliography": "references.bib"}
outputs = {}

# %%
from compendium import clean, evidence
from compendium.bibliography import load_bibliography
from compendium.datapackage import load_tables

tables = load_tables(inputs["package"], names=["events", "instruments", "provisions", "modalities"])
citation_keys = load_bibliography(inputs["bibliography"]).keys()

# %% [markdown]
# ## Events
# Every event is checked for a coded date whose form agrees with its precision term (a slip in
# either column stops the build here), and for citation keys that exist in `references.bib`.
# No year is guessed: each coded date names, in `date_evidence`, the few words of the article
# that give it, and every year of the coded date must be among them. An event the article
# does not date ("later", "after ... 2003") is coded as the interval between its bounds with
# precision `bounded`.

# %%
events = clean.frame(tables["events"])
clean.check_citation_keys(events, citation_keys)
evidence.check_date_evidence(events)
events = clean.add_date_intervals(events)
events = clean.finish(events, ["date_start", "event_id"])
events[["event_id", "date_as_written", "date_start", "date_end", "precision", "kind"]]

# %% [markdown]
# ## Regulatory instruments
# The same parsing for the three instruments the article analyses.

# %%
instruments = clean.frame(tables["instruments"])
clean.check_citation_keys(instruments, citation_keys)
evidence.check_date_evidence(instruments)
instruments = clean.add_date_intervals(instruments)
instruments = clean.finish(instruments, ["date_start", "instrument_id"])
instruments[["instrument_id", "short_name", "date_start", "date_end"]]

# %% [markdown]
# ## Provisions
# Provisions carry a date only where they set one (the deadlines of the 2012 notice); those
# dates have no separate precision column, so only their form is parsed.

# %%
provisions = clean.frame(tables["provisions"])
clean.check_citation_keys(provisions, citation_keys)
provisions = clean.add_date_intervals(provisions, precision=None)
provisions = clean.finish(provisions, ["instrument_id", "element", "position", "provision_id"])
provisions[["provision_id", "instrument_id", "element", "position", "date_start"]]

# %%
clean.write_csv(events, outputs["events"])
clean.write_csv(instruments, outputs["instruments"])
clean.write_csv(provisions, outputs["provisions"])
