"""`make bench`, certificates: how fast and how small a certificate renders, and whether memory stays flat.

Part 1 (this process, no database, no broker; about a minute):

1. Warms up both ways of rendering (the first render loads fonts either way).
2. Baseline: the same certificate as one self-contained HTML document (stylesheets
   and images inline) through a plain ``weasyprint.HTML(string=...).write_pdf()``,
   ``--count`` times; then the same plain call with the options certificates use
   (PDF/A-3b, tagged), so the comparison is like for like.
3. ``certificates.rendering.certificate_pdf``, ``--count`` times: stylesheets parsed
   once, shared font configuration, image cache, HarfBuzz subsetting.
   Every certificate has its own code and QR code, as in a real cohort.
4. Memory: ``--memory-count`` more renders (300 by default), printing the resident
   set size every 50 and the growth of the process's peak RSS over them.

Each line gives ms per certificate, certificates per second and PDF sizes; then the size
of one certificate per script (Chinese, Japanese and Korean included).
Goals (issue 5): ``certificate_pdf`` at least as fast as the plain baseline, under
100 KB a certificate, memory flat.

The cohort of 1,000 certificates end to end through two Celery worker processes is
``tests/perf/bench_cohort.py`` (``make bench`` runs both).
"""

import argparse
import dataclasses
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")


def _setup():
    import django

    django.setup()


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _contents(count: int):
    from certificates.codes import code_generate
    from certificates.content import content_sample

    sample = content_sample()
    for _ in range(count):
        code = code_generate()
        yield dataclasses.replace(sample, code=code, verify_url=f"https://lms.example.org/verify/{code}/")


def _report(label: str, seconds: list[float], sizes: list[int]) -> float:
    mean_ms = statistics.mean(seconds) * 1000
    print(
        f"  {label:<44} {mean_ms:7.1f} ms/cert (p50 {statistics.median(seconds) * 1000:6.1f}, "
        f"max {max(seconds) * 1000:6.1f})  {1000 / mean_ms:6.1f} certs/s  "
        f"PDF {statistics.mean(sizes) / 1024:5.1f} KB (max {max(sizes) / 1024:5.1f} KB)"
    )
    return mean_ms


def _script_sizes() -> dict[str, int]:
    """The PDF size of one certificate per script the platform promises (tests/certificates/test_scripts.py)."""
    from certificates.content import content_sample
    from certificates.models import CertificateTemplate
    from certificates.rendering import certificate_pdf
    from tests.certificates.test_scripts import SCRIPTS

    sizes = {}
    for script, (language, name, wording) in SCRIPTS.items():
        template = CertificateTemplate(name="t", language=language, title="{holder}", wording=wording)
        content = dataclasses.replace(content_sample(), holder_name=name, holder_name_latin="Latin Name")
        sizes[script] = len(certificate_pdf(template, content))
    return sizes


def part_1(count: int = 50, memory_count: int = 300) -> bool:
    """Rendering speed per process against the plain baseline, PDF size, memory over many renders."""
    _setup()
    import logging

    import weasyprint

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per step per render otherwise

    from certificates.rendering import PDF_VARIANT, certificate_html, certificate_pdf

    print(f"Certificates, part 1: rendering in one process ({count} certificates each way)")
    credential = [("credential.json", b'{"type": ["VerifiableCredential", "OpenBadgeCredential"]}' * 20, "Credential")]

    def plain(content):
        return weasyprint.HTML(string=certificate_html(None, content, standalone=True)).write_pdf()

    def plain_same_options(content):
        return weasyprint.HTML(string=certificate_html(None, content, standalone=True)).write_pdf(
            pdf_variant=PDF_VARIANT, pdf_tags=True
        )

    def ours(content):
        return certificate_pdf(None, content, attachments=credential)

    for render in (plain, plain_same_options, ours):  # fonts, caches, imports
        for content in _contents(3):
            render(content)

    # Interleaved, one of each in turn, so a busy machine weighs on all three alike.
    timings = {render: ([], []) for render in (plain, plain_same_options, ours)}
    for content in _contents(count):
        for render, (seconds, sizes) in timings.items():
            start = time.perf_counter()
            pdf = render(content)
            seconds.append(time.perf_counter() - start)
            sizes.append(len(pdf))
    baseline = _report("plain HTML().write_pdf()", *timings[plain])
    _report("plain HTML().write_pdf(), PDF/A-3b + tags", *timings[plain_same_options])
    seconds, sizes = timings[ours]
    mine = _report("certificate_pdf (PDF/A-3b, tags, attachment)", seconds, sizes)
    print(f"  speed-up over the plain baseline: {baseline / mine:.2f}x")

    print(f"  memory over {memory_count} more renders:")
    peak_before = _peak_rss_mb()
    samples = [_rss_mb()]
    for n, content in enumerate(_contents(memory_count), start=1):
        ours(content)
        if n % 50 == 0:
            samples.append(_rss_mb())
    growth = _peak_rss_mb() - peak_before
    print("    RSS every 50 renders (MB): " + ", ".join(f"{sample:.0f}" for sample in samples))
    print(f"    peak RSS growth: {growth:.1f} MB (peak {_peak_rss_mb():.0f} MB)")

    script_sizes = _script_sizes()
    print(
        "  one certificate per script (name and wording in it), KB: "
        + ", ".join(f"{script} {size / 1024:.1f}" for script, size in script_sizes.items())
    )

    ok = mine <= baseline and max(sizes) < 100 * 1024 and max(script_sizes.values()) < 100 * 1024
    print("  goals: " + ("met" if ok else "MISSED") + " (at least as fast as the baseline, under 100 KB)")
    return ok


PARTS = {"1": part_1}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", default="all", help="which part to run: " + ", ".join(PARTS) + " or all")
    parser.add_argument("--count", type=int, default=50, help="certificates per timing (part 1)")
    parser.add_argument("--memory-count", type=int, default=300, help="renders for the memory check (part 1)")
    args = parser.parse_args(argv)
    parts = list(PARTS) if args.part == "all" else [args.part]
    for part in parts:
        if part == "1":
            part_1(count=args.count, memory_count=args.memory_count)
        else:
            PARTS[part]()
    return 0  # goals missed are findings, printed; only a crash fails the run


if __name__ == "__main__":
    sys.exit(main())
