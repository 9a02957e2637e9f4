"""results/checks/leaks.txt: no sensitive value of data/restricted/ in any file under results/.

Runs after every other step of the build; one hit fails the build (see tooling.privacy).
"""

from pathlib import Path

from compendium.datapackage import ValidationFailed
from tooling import privacy
from tooling.file_cache import FileCache
from tooling.steps import reported_errors, write_text_atomic

with reported_errors(snakemake.log[0]):
    restricted = privacy.RESTRICTED
    values = privacy.sensitive_values(restricted)
    own = [snakemake.output.report, *snakemake.log]
    results = Path(snakemake.output.report).parent.parent  # results/checks/leaks.txt
    # what was found in each file unchanged since the last check (for the same values) stands
    cache = FileCache("check_leaks")
    hits, kinds = privacy.scan(results, values, exclude=own, cache=cache)
    cache.save()
    if hits:
        raise ValidationFailed(privacy.leak_errors(hits))
    write_text_atomic(snakemake.output.report, privacy.leak_report(restricted, values, hits, kinds))
