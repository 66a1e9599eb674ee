"""cdk-nag rule packs, run on every synth as CDK validation plugins.

A finding fails the synth. Our stacks fix what they can; what remains is acknowledged where it
arises, each with the reason in plain words, through ``acknowledge`` below.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, Validations
from constructs import IConstruct


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


def acknowledge(scope: IConstruct, reason: str, *rule_ids: str) -> None:
    """Acknowledge cdk-nag findings on ``scope`` and everything under it.

    ``rule_ids`` are the rule names as cdk-nag prints them, e.g. ``AwsSolutions-AEC5``; the pack
    prefix that CDK's validation report expects (``AwsSolutions::AwsSolutions-AEC5``) is added here.
    """
    Validations.of(scope).acknowledge(
        *(Acknowledgment(id=f"{rule_id.split('-', 1)[0]}::{rule_id}", reason=reason) for rule_id in rule_ids)
    )
