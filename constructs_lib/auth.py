"""How clients authenticate to a Valkey / Redis OSS cache: an RBAC user group (the default where the
engine has RBAC), an AUTH token, or an explicit none.

Every credential lives in Secrets Manager and reaches the template only as a
``{{resolve:secretsmanager:...}}`` dynamic reference, so no secret is ever written into a template,
the cloud assembly or CloudFormation's console (cfn-lint W1011 checks the same for tokens).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from constructs_lib import nag, rules
from constructs_lib.errors import ValidationIssue
from constructs_lib.facts import acl
from constructs_lib.facts.engines import ACL_CHANNELS, IAM_AUTH, RBAC, Engine, EngineVersion, parse_version
from constructs_lib.facts.limits import AUTH_TOKEN_LENGTH, PASSWORD_LENGTH
from constructs_lib.facts.names import SECRET_NAME
from constructs_lib.secrets import generated_secret
from constructs_lib.users import IUser, IUserGroup, PasswordUser, UserAuthentication, UserGroup
from constructs_lib.validation import Issues, has_attributes, is_token

APPLICATION_USER_NAME = "app"


def default_access_string(engine_version: EngineVersion) -> str:
    """The generated application user's rules: every key, channel and command, as an AUTH token
    gives (ElastiCache itself withholds its restricted commands). Narrow it with ``access_string``."""
    return "on ~* &* +@all" if engine_version.supports(ACL_CHANNELS) else "on ~* +@all"


class _Kind(Enum):
    USER_GROUP = "user group"
    GENERATED_TOKEN = "generated AUTH token"
    TOKEN_FROM_SECRET = "AUTH token from a secret"
    NONE = "no authentication"


@dataclass(frozen=True)
class AuthBinding:
    """What a cache writes into its template for the chosen authentication."""

    auth_token: str | None = None
    user_group: IUserGroup | None = None
    secret: secretsmanager.ISecret | None = None
    generated: secretsmanager.Secret | None = None
    """The secret binding generated (a token, or the application user's password), to rotate."""
    generated_user: PasswordUser | None = None

    @property
    def iam_users(self) -> list[IUser]:
        """The group's IAM-authenticated members, read when asked (users may be added later)."""
        users = self.user_group.users if self.user_group is not None else []
        return [user for user in users if user.authentication is UserAuthentication.IAM]

    @property
    def user_group_ids(self) -> list[str] | None:
        return [self.user_group.user_group_id] if self.user_group is not None else None


@dataclass(frozen=True)
class CacheAuth:
    """Client authentication; build one with the static methods.

    Default for a cache: ``CacheAuth.user_group()`` on Valkey and Redis OSS 6.0+, else
    ``CacheAuth.generated_token()``.
    """

    kind: _Kind
    length: object = None
    secret: object = None
    json_field: object = None
    group: object = None
    user_name: object = None
    access_string: object = None
    secret_name: object = None
    secret_user: object = None

    @staticmethod
    def user_group(
        user_group: IUserGroup | None = None,
        *,
        user_name: str | None = None,
        access_string: str | None = None,
        password_length: int | None = None,
        secret_user: IUser | None = None,
    ) -> CacheAuth:
        """RBAC: the cache takes a user group (Valkey 7.2+, Redis OSS 6.0+, TLS on).

        With no ``user_group``, a new group of the cache's engine holds one application user whose
        password is generated into Secrets Manager (``cache.auth_secret``: JSON with ``username``
        and ``password``), plus, for a ``redis`` group, a disabled ``default`` user.

        :param user_group: an existing group (``UserGroup`` or ``UserGroup.from_user_group_id``).
        :param user_name: the generated application user's name (not with ``user_group``). Default: ``app``.
        :param access_string: the generated user's ACL rules (not with ``user_group``). Default:
            ``on ~* &* +@all`` (every key, channel and command; ``on ~* +@all`` before Redis OSS 6.2,
            which has no channel rules).
        :param password_length: 16-128 (not with ``user_group``). Default: 64.
        :param secret_user: with ``user_group``, the member whose secret is the cache's
            ``auth_secret`` (what ``grant_read_auth_secret`` grants). Default: the group's first user
            with a password.
        """
        return CacheAuth(
            _Kind.USER_GROUP,
            length=password_length,
            group=user_group,
            user_name=user_name,
            access_string=access_string,
            secret_user=secret_user,
        )

    @staticmethod
    def generated_token(*, length: int = 64, secret_name: str | None = None) -> CacheAuth:
        """A random AUTH token generated into a new Secrets Manager secret.

        :param length: 16-128 characters. Default: 64.
        :param secret_name: the secret's name, so other stacks and regions (the replicas of a Global
            Datastore's token) can find it by name. A deleted secret's name stays taken for its
            recovery window (7-30 days). Default: generated by CloudFormation.
        """
        return CacheAuth(_Kind.GENERATED_TOKEN, length=length, secret_name=secret_name)

    @staticmethod
    def token_from_secret(secret: secretsmanager.ISecret, *, json_field: str | None = None) -> CacheAuth:
        """An AUTH token kept in an existing secret, whole or in one JSON field of it.

        The secret's value must follow ElastiCache's token rules (16-128 characters, special
        characters only from ``!&#$^<>-``); it is not readable at synth, so ElastiCache checks it.
        """
        return CacheAuth(_Kind.TOKEN_FROM_SECRET, secret=secret, json_field=json_field)

    @staticmethod
    def none() -> CacheAuth:
        """No authentication: any client that reaches the port can read and write. An explicit opt-out."""
        return CacheAuth(_Kind.NONE)

    @staticmethod
    def default_for(engine_version: EngineVersion) -> CacheAuth:
        return CacheAuth.user_group() if engine_version.supports(RBAC) else CacheAuth.generated_token()

    def describe(self) -> str:
        return self.kind.value

    @property
    def uses_token(self) -> bool:
        return self.kind in (_Kind.GENERATED_TOKEN, _Kind.TOKEN_FROM_SECRET)

    @property
    def creates_secret(self) -> bool:
        """Whether binding generates a secret (which the cache's KMS key then encrypts)."""
        return self.kind is _Kind.GENERATED_TOKEN or (self.kind is _Kind.USER_GROUP and self.group is None)

    # --- validation ------------------------------------------------------------------------------

    def check(self, issues: Issues, engine_version: EngineVersion | None, tls: bool | None) -> None:
        """Everything about this choice that can be known at synth, for a cache of ``engine_version``."""
        if self.kind is _Kind.NONE:
            return
        if tls is False:
            issues.add(
                rules.AUTH_NEEDS_TLS,
                "auth",
                "CacheAuth.none() when transit_encryption is DISABLED (AUTH tokens and user groups need TLS)",
                self.describe(),
            )
        if self.kind is _Kind.GENERATED_TOKEN:
            low, high = AUTH_TOKEN_LENGTH
            issues.whole(rules.SECRET_LENGTH, "auth.length", self._length, low, high, synth=True)
            issues.name("auth.secret_name", self.secret_name, SECRET_NAME)
        elif self.kind is _Kind.TOKEN_FROM_SECRET:
            self._check_secret(issues)
        else:
            self._check_user_group(issues, engine_version)

    def _check_secret(self, issues: Issues) -> None:
        if self.secret is None:
            issues.add(rules.MISSING, "auth.secret", "a secretsmanager.ISecret holding the AUTH token", None)
        else:
            issues.interface(
                "auth.secret",
                self.secret,
                "a secretsmanager.ISecret (for an ARN, Secret.from_secret_complete_arn)",
                "secret_arn",
                "secret_value_from_json",
            )
        if self.json_field is not None and issues.text("auth.json_field", self.json_field):
            issues.require(
                rules.MISSING,
                bool(self.json_field),
                "auth.json_field",
                "the name of a JSON field, or None to use the whole secret value",
                self.json_field,
            )

    def _check_user_group(self, issues: Issues, engine_version: EngineVersion | None) -> None:
        if engine_version is not None and not issues.require(
            rules.ENGINE_FEATURE,
            engine_version.supports(RBAC),
            "auth",
            f"an AUTH token or CacheAuth.none() on {engine_version.label} (user groups need {RBAC.requirement()})",
            self.describe(),
        ):
            return
        if self.group is not None:
            for prop, value in (
                ("user_name", self.user_name),
                ("access_string", self.access_string),
                ("password_length", self.length),
            ):
                issues.require(
                    rules.EXCLUSIVE,
                    value is None,
                    f"auth.{prop}",
                    "unset with an existing user_group (it describes the generated user)",
                    value,
                )
            if issues.require(
                rules.TYPE,
                isinstance(self.group, IUserGroup),
                "auth.user_group",
                "a user group (UserGroup, or UserGroup.from_user_group_id)",
                self.group,
            ):
                assert isinstance(self.group, IUserGroup)
                if self.secret_user is not None:
                    issues.require(
                        rules.USER_GROUP_MEMBERS,
                        self.secret_user in self.group.users,
                        "auth.secret_user",
                        "a member of the user group",
                        self.secret_user,
                    )
                if engine_version is not None:
                    issues.extend(group_fit_issues(issues.path, engine_version, self.group, self.group.users))
            return
        issues.require(
            rules.EXCLUSIVE,
            self.secret_user is None,
            "auth.secret_user",
            "unset without a user_group (the generated user's secret is the cache's)",
            self.secret_user,
        )
        issues.text("auth.user_name", self._user_name, optional=False)
        low, high = PASSWORD_LENGTH
        issues.whole(rules.SECRET_LENGTH, "auth.password_length", self._length, low, high, synth=True)
        if issues.text("auth.access_string", self.access_string) and self.access_string is not None and engine_version:
            check_access_string(issues, "auth.access_string", self.access_string, engine_version)

    @property
    def _length(self) -> object:
        return 64 if self.length is None else self.length

    @property
    def _user_name(self) -> object:
        return APPLICATION_USER_NAME if self.user_name is None else self.user_name

    # --- binding ---------------------------------------------------------------------------------

    def bind(
        self,
        scope: Construct,
        *,
        engine_version: EngineVersion,
        encryption_key: kms.IKey | None,
        removal_policy: RemovalPolicy,
        description: str,
    ) -> AuthBinding:
        """Create what this choice needs under ``scope``; call only after ``check`` passed."""
        if self.kind is _Kind.NONE:
            return AuthBinding()
        if self.kind is _Kind.TOKEN_FROM_SECRET:
            assert has_attributes(self.secret, "secret_arn")
            secret: secretsmanager.ISecret = self.secret  # type: ignore[assignment]
            field_name = str(self.json_field) if self.json_field else None
            value = secret.secret_value_from_json(field_name) if field_name else secret.secret_value
            return AuthBinding(auth_token=value.unsafe_unwrap(), secret=secret)
        if self.kind is _Kind.GENERATED_TOKEN:
            generated = generated_secret(
                scope,
                "AuthToken",
                description=f"AUTH token of {description}",
                length=self._length,  # type: ignore[arg-type]
                encryption_key=encryption_key,
                removal_policy=removal_policy,
                secret_name=self.secret_name if isinstance(self.secret_name, str) else None,
            )
            nag.acknowledge_token_rotation(generated)
            return AuthBinding(auth_token=generated.secret_value.unsafe_unwrap(), secret=generated, generated=generated)
        return self._bind_user_group(scope, engine_version, encryption_key, removal_policy)

    def _bind_user_group(
        self,
        scope: Construct,
        engine_version: EngineVersion,
        encryption_key: kms.IKey | None,
        removal_policy: RemovalPolicy,
    ) -> AuthBinding:
        if isinstance(self.group, IUserGroup):
            group = self.group
            path = scope.node.path
            if isinstance(group, UserGroup):
                group.check_members_with(lambda users: group_fit_issues(path, engine_version, group, users))
            chosen = self.secret_user if isinstance(self.secret_user, IUser) else None
            password_users = [u for u in group.users if u.secret is not None and u.user_name != "default"]
            secret_user = chosen or (password_users[0] if password_users else None)
            return AuthBinding(user_group=group, secret=secret_user.secret if secret_user else None)
        engine = engine_version.engine
        user = PasswordUser(
            scope,
            "ApplicationUser",
            engine=engine,
            user_name=str(self._user_name),
            access_string=str(self.access_string or default_access_string(engine_version)),
            password_length=self._length,  # type: ignore[arg-type]
            encryption_key=encryption_key,
            removal_policy=removal_policy,
        )
        group = UserGroup(scope, "UserGroup", engine=engine, users=[user], removal_policy=removal_policy)
        generated = user.secret if isinstance(user.secret, secretsmanager.Secret) else None
        return AuthBinding(user_group=group, secret=user.secret, generated=generated, generated_user=user)


def check_access_string(issues: Issues, prop: str, text: object, engine_version: EngineVersion) -> None:
    """ACL syntax, with the channel and selector rules the engine version knows."""
    if not isinstance(text, str) or is_token(text):
        return
    found = acl.problems(
        text,
        channels=engine_version.supports(ACL_CHANNELS),
        selectors=engine_version.engine is Engine.VALKEY or parse_version(engine_version.version) >= (7, 0),
    )
    issues.require(rules.ACCESS_STRING, not found, prop, f"{acl.ACCESS_STRING_RULES} ({'; '.join(found)})", text)


def group_fit_issues(
    path: str, engine_version: EngineVersion, group: IUserGroup, users: Sequence[IUser]
) -> list[ValidationIssue]:
    """What a cache of ``engine_version`` cannot take in ``group`` holding ``users``: checked when the
    cache is built and again whenever a user is added to the group later [EC:Clusters.RBAC]."""
    issues = Issues(path)
    if engine_version.engine is Engine.REDIS and group.engine is Engine.VALKEY:
        issues.add(
            rules.USER_GROUP_ENGINE, "auth.user_group", "a user group of engine redis for a Redis OSS cache", group
        )
    for user in users:
        if user.access_string is not None:
            check_access_string(issues, f"auth.user_group user {user.user_name}", user.access_string, engine_version)
        if user.authentication is UserAuthentication.IAM:
            issues.require(
                rules.ENGINE_FEATURE,
                engine_version.supports(IAM_AUTH),
                "auth.user_group",
                f"password users only on {engine_version.label} (IAM users need {IAM_AUTH.requirement()})",
                user,
            )
    return issues.found
