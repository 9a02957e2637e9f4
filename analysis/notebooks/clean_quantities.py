# %% [markdown]
# # Cleaning the quantities: indicators and the fieldwork design
#
# The article states its numbers in many forms: exact ("2847"), as a lower bound ("more than
# 130"), as a range ("100-150"), in words ("one hundred million", "Eighty-two"). The coding
# sheets keep each value exactly as written; this notebook derives a qualifier and numeric
# bounds, so that tables can say what kind of number each is and the prose can print it with
# thousands separators without losing "more than".

# %% tags=["parameters"]
inputs = {"package": "data/datapackage.json", "bibliography": "references.bib"}
outputs = {}

# %%
from compendium import clean
from compendium.bibliography import load_bibliography
from compendium.datapackage import load_tables

tables = load_tables(inputs["package"], names=["indicators", "fieldwork", "cases", "modalities"])
citation_keys = load_bibliography(inputs["bibliography"]).keys()

# %% [markdown]
# ## Indicators
# "more than N" is a lower bound with no upper bound; a range keeps both ends; a number in words
# is parsed but printed in words, as the article prints it.

# %%
indicators = clean.frame(tables["indicators"])
clean.check_citation_keys(indicators, citation_keys)
indicators = clean.add_quantity_bounds(indicators)
indicators = clean.finish(indicators, "indicator_id")
indicators[["indicator_id", "value_as_written", "qualifier", "lower", "upper", "prose"]]

# %% [markdown]
# ## Fieldwork design
# The design facts carry a number only where the article gives one (the interviews, the
# months); the fieldwork period is a coded date interval.

# %%
fieldwork = clean.frame(tables["fieldwork"])
fieldwork = clean.add_date_intervals(fieldwork)
fieldwork = clean.finish(fieldwork, "fact_id")
fieldwork[["fact_id", "aspect", "value", "quantity", "date_start", "date_end"]]

# %%
clean.write_csv(indicators, outputs["indicators"])
clean.write_csv(fieldwork, outputs["fieldwork"])
