import cProfile
import pstats
import time

from tests.e2e.support import image_create, root_collection_ensure


def test_timing(transactional_db):
    from courses.factories import CoursePageFactory, ThemeFactory, catalogue_get

    root_collection_ensure()
    catalogue = catalogue_get()
    theme = ThemeFactory(name="G", slug="g")
    pr = cProfile.Profile()
    pr.enable()
    t = time.perf_counter()
    for n in range(1, 5):
        CoursePageFactory(
            parent=catalogue,
            title=f"C {n}",
            slug=f"c-{n}",
            themes=[theme],
            cover_image=image_create(f"Cover {n}", colour=(20 * n, 52, 84)),
        )
    print("4 courses", time.perf_counter() - t)
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(35)
