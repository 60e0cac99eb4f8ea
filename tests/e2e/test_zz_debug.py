import traceback
from django.db.models.signals import post_save, post_migrate
from django.contrib.auth.models import Group
import django.test.testcases as tc

orig_td = tc.TransactionTestCase._fixture_teardown
def ft(self):
    from django.db import connections; print("TEARDOWN flush start", self.serialized_rollback, [ (a, hasattr(connections[a], "_test_serialized_contents")) for a in self._databases_names(include_mirrors=False)], id(connections["default"]))
    r = orig_td(self)
    print("TEARDOWN flush end")
    return r
tc.TransactionTestCase._fixture_teardown = ft

def created(sender, instance, created, raw, **kw):
    if created and not raw:
        print("GROUP CREATED", instance.pk, instance.name)
        traceback.print_stack(limit=25)
post_save.connect(created, sender=Group, weak=False)

def test_a(page, curriculum):
    from django.db import connections
    print("IN TEST", id(connections["default"]), hasattr(connections["default"], "_test_serialized_contents"))
    page.goto("/")
