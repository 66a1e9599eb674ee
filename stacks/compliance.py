"""cdk-nag rule packs, run on every synth as CDK validation plugins.

A finding fails the synth. Our stacks fix what they can; what remains is acknowledged where it
arises, each with the reason in plain words, through ``constructs_lib.nag.acknowledge``: the
library acknowledges what its own resources raise (so a consumer's nag run agrees with ours), the
stacks what their choices raise.
"""

from __future__ import annotations

from aws_cdk import App, Validations


def add_compliance_packs(app: App) -> None:
    """Run AwsSolutions, HIPAA Security, NIST 800-53 rev 5 and PCI DSS 3.2.1 on synth."""
    # Imported here: loading cdk-nag's jsii assembly costs a synth with the packs off ~0.15 s.
    from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks

    Validations.of(app).add_plugins(
        AwsSolutionsChecks(app, verbose=True),
        HIPAASecurityChecks(app, verbose=True),
        NIST80053R5Checks(app, verbose=True),
        PCIDSS321Checks(app, verbose=True),
    )
