"""Names the dead-code check (``make deadcode``, vulture) cannot see being used.

Only code that a framework or the interpreter calls, or that is reached by a name built at run
time, belongs here; anything else vulture reports is dead and goes. Callers in ``tests/``,
``examples/``, ``contract_tests/`` and ``bench/`` count as uses (the check reads them), so the
public API that users call needs no entry as long as something in the repository calls it.
"""

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# Python: a module's __getattr__ answers the lazily imported public names (configcat_mock).
_.__getattr__

# pytest: hooks of the configcat_mock plugin, called by name through the pytest11 entry point.
_.pytest_addoption
_.pytest_configure
_.pytest_runtest_setup
_.pytest_runtest_call
_.pytest_runtest_teardown

# argparse: an Action's __call__ takes option_string whether it reads it or not.
_.option_string

# uvicorn: the server loop polls should_exit (http/server.py sets it to stop), and its serve()
# runs the main_loop that http/server.py's server overrides.
_.should_exit
_.main_loop

# attrs: record and rule fields read through attrs.asdict / attrs.fields by name (state dumps,
# the fault rules' JSON).
_.deleted_at
_.rate_429
_.rate_500
_.rate_503
_.rate_drop
_.rate_500_after
_.rate_503_after
_.rate_drop_after

# The flag builder's named comparator shortcuts: a test reaches each by getattr, and users
# by name.
_.is_not_one_of
_.text_starts_with_any_of
_.array_contains_any_of
_.number_equals
_.number_less
_.number_greater
_.semver_less
_.semver_greater
_.date_time_before
_.date_time_after

# The generated client (spec/templates/endpoint_init.py.jinja) calls these on the overlay's
# client, and reads raise_on_unexpected_status from it.
_._call_raw
_._pages
_.AsyncNamespace
_.raise_on_unexpected_status

# The workflow applier dispatches each change to _<action>_<kind> by a name built at run time.
_._update_preferences
_._update_product
_._create_environment
_._update_environment
_._delete_environment
_._create_tag
_._update_tag
_._delete_tag
_._create_segment
_._update_segment
_._delete_segment
_._create_config
_._update_config
_._delete_config
_._create_setting
_._update_setting
_._delete_setting
_._update_variations
_._update_value

# Jinja2: what the dashboard's templates read and no Python does (dashboard/templates).
_.approval_required
