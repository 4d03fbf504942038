"""Machine formats of a doctor report: the JSON report's model and schema, JUnit XML, SARIF 2.1.0.

* ``outcome``: how a finding counts (the one place that says whether a skip "could not run");
* ``report_model``: the JSON report as pydantic models; ``docs/report.schema.json`` is generated from it;
* ``junit``: one ``testcase`` per check, for CI test tabs;
* ``sarif``: one rule per check id, one result per finding, file fixes as SARIF fixes, for code scanning.
"""
