"""results/checks/leaks.txt: no sensitive value of data/restricted/ in any file under results/.

Runs after every other step of the build; one hit fails the build (see tooling.privacy).
"""

from pathlib import Path

from compendium.datapackage import ValidationFailed
from compendium.files import write_text_atomic
from tooling import leaks, privacy
from tooling.file_cache import FileCache
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    # The rule names the directory; its files are the rule's inputs.
    restricted = Path(snakemake.params.restricted)
    values = privacy.sensitive_values(restricted)
    own = [snakemake.output.report, *snakemake.log]
    results = Path(snakemake.output.report).parent.parent  # results/checks/leaks.txt
    # what was found in each file unchanged since the last check (for the same values) stands
    cache = FileCache("check_leaks")
    hits, kinds = leaks.scan(results, values, exclude=own, cache=cache)
    cache.save()
    if hits:
        raise ValidationFailed(leaks.leak_errors(hits))
    write_text_atomic(snakemake.output.report, leaks.leak_report(restricted, values, hits, kinds))
