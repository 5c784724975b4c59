"""Summarise pip-audit's JSON report (read on stdin) for scripts/audit-deps."""

import json
import os
import sys


text = sys.stdin.read().strip()
if not text:
    print("  pip-audit could not run (no answer from the advisory service): nothing audited")
    sys.exit(0)
deps = json.loads(text)["dependencies"]
skipped = [d for d in deps if d.get("skip_reason")]
audited = [d for d in deps if not d.get("skip_reason")]
vulnerable = [d for d in audited if d.get("vulns")]
print(
    f"  {len(deps)} packages: {len(audited)} audited, {len(vulnerable)} with known vulnerabilities, "
    f"{len(skipped)} not audited (unknown to the advisory service reached)"
)
for d in vulnerable:
    for v in d["vulns"]:
        fixed = ", ".join(v["fix_versions"]) or "-"
        print(f"  VULNERABLE {d['name']} {d['version']}: {v['id']} fixed in {fixed}")
sys.exit(1 if vulnerable and os.environ.get("AUDIT_STRICT") == "1" else 0)
