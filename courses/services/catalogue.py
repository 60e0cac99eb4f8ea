"""Writes for the catalogue: teaching assignments, role permissions, renditions."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from lms.accounts.api import Role, group_permissions_grant, role_groups_ensure
from lms.core import pagecache

from ..blocks import MODULE_IMAGE_SPECS
from ..models import CoursePage, ModulePage
from ..selectors.translation import page_source

COVER_IMAGE_SPECS = ("fill-480x270|format-webp", "fill-960x540|format-webp")

# What an assigned instructor may do on their course and its modules: draft and
# submit for moderation. Publishing goes through the moderation workflow.
INSTRUCTOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")


def course_roles_permissions_ensure() -> None:
    """Give the roles their catalogue permissions (run after every migrate)."""
    groups = role_groups_ensure()
    group_permissions_grant(
        group=groups[Role.PROGRAM_MANAGER],
        permissions=[
            "courses.assign_instructors",
            "courses.add_cohort",
            "courses.change_cohort",
            "courses.delete_cohort",
            "courses.view_cohort",
            "courses.import_students",
            "courses.view_enrolment",
            "courses.decide_enrolment",
        ],
    )
    # Instructors may start translations (wagtail-localize), of their own courses only (courses.wagtail_hooks).
    group_permissions_grant(
        group=groups[Role.INSTRUCTOR],
        permissions=["courses.view_enrolment", "wagtail_localize.submit_translation"],
    )
    root_collection = Collection.get_first_root_node()
    if root_collection is None:
        return
    for codename in ("add_image", "choose_image", "add_document", "choose_document"):
        permission = Permission.objects.filter(codename=codename).first()
        if permission is not None:
            GroupCollectionPermission.objects.get_or_create(
                group=groups[Role.INSTRUCTOR], collection=root_collection, permission=permission
            )


def _course_group_name_for_id(course_id: int) -> str:
    return f"Course {course_id} instructors"


def _course_group_name(course: Page) -> str:
    return _course_group_name_for_id(course.pk)


@transaction.atomic
def course_instructors_sync(*, course: CoursePage, instructors=None) -> Group:
    """Only the instructors assigned to a course may edit it and its modules.

    Each course has a group of its own holding Wagtail page permissions on the
    course's subtree and on the subtree of each of its translations (so they
    translate their own course, and no other); its members are exactly the
    course's instructors, who are always the source's. Pass ``instructors`` to
    sync from a form that has not been saved to the database yet (a draft
    revision); otherwise the course's stored instructors are used. Given a
    translation, the source's group is synced.
    """
    source = page_source(course)
    if source is not None and source.pk != course.pk:
        course, instructors = source, None
    group, _ = Group.objects.get_or_create(name=_course_group_name(course))
    permissions = list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=INSTRUCTOR_PAGE_PERMISSIONS)
    )
    for page_id in [course.pk, *course.get_translations().values_list("pk", flat=True)]:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page_id=page_id, permission=permission)
    wanted = list(instructors if instructors is not None else course.instructors.all())
    before = set(group.user_set.values_list("pk", flat=True))
    group.user_set.set(wanted)
    # Instructors read their courses' module text: who may read changed for these people.
    changed = before ^ {user.pk for user in wanted}
    pagecache.versions_bump_on_commit(*(pagecache.version_key("user", pk) for pk in changed))
    return group


def course_instructors_group_delete(*, course_id: int) -> None:
    """A deleted course leaves no permission group behind."""
    Group.objects.filter(name=_course_group_name_for_id(course_id)).delete()


def page_rendition_specs(page) -> list[tuple[object, tuple[str, ...]]]:
    """The images a published page shows and the renditions it will ask for."""
    page = page.specific
    wanted = []
    if isinstance(page, CoursePage) and page.cover_image_id:
        wanted.append((page.cover_image, COVER_IMAGE_SPECS))
    if isinstance(page, ModulePage):
        for block in page.body:
            if block.block_type == "image" and block.value.get("image"):
                wanted.append((block.value["image"], MODULE_IMAGE_SPECS))
    return wanted


def page_renditions_warm(*, page_id: int) -> int:
    """Make a page's renditions now, so the first visitor does not pay for them.

    Returns how many renditions were asked for; existing ones are reused.
    """
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return 0
    count = 0
    for image, specs in page_rendition_specs(page):
        image.get_renditions(*specs)
        count += len(specs)
    return count
