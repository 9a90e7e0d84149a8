"""Run every benchmark and print Markdown tables: ``bin/bench`` (or ``python -m bench``)."""

import platform
import sys

from bench import (
    catalog_pages,
    catalog_sync,
    compare_search,
    order_list,
    order_polling,
    panel_client,
    scorecards,
    shops_api,
    spend,
)

SUITES = [
    panel_client,
    catalog_sync,
    catalog_pages,
    order_polling,
    order_list,
    compare_search,
    scorecards,
    spend,
    shops_api,
]


def table(title, headers, rows):
    lines = [f"**{title}**", "", "| " + " | ".join(headers) + " |"]
    lines.append("|" + "---|" * len(headers))
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def main(selected):
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}\n")
    for suite in SUITES:
        for benchmark in suite.BENCHMARKS:
            if selected and benchmark.__name__ not in selected:
                continue
            print(table(*benchmark()), flush=True)


if __name__ == "__main__":
    main(set(sys.argv[1:]))
