"""RBAC users and user groups (Valkey 7.2+, Redis OSS 6.0+).

Passwords are generated into Secrets Manager (letters, digits and ``!&#$^<>-`` only, which
ElastiCache accepts) and reach the template only as ``{{resolve:secretsmanager:...}}`` dynamic
references. A ``redis`` user group must hold a user named ``default`` (API error
DefaultUserRequired): unless you give one, the group gets a disabled one (``off -@all``). A
``valkey`` group needs no default user and may not hold users without a password
[EC:Clusters.RBAC], so none is added.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Protocol, runtime_checkable

import jsii
from aws_cdk import ArnFormat, IStableListProducer, Lazy, Names, RemovalPolicy, Resource, Stack
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IValidation

from constructs_lib import nag, rules
from constructs_lib.base import documented_signature
from constructs_lib.errors import ValidationIssue
from constructs_lib.facts import acl
from constructs_lib.facts.engines import Engine
from constructs_lib.facts.limits import PASSWORD_LENGTH
from constructs_lib.facts.names import AWS_ACCOUNT, AWS_REGION, RESERVED_USER_IDS, USER_GROUP_ID, USER_ID, USER_NAME
from constructs_lib.secrets import generated_secret
from constructs_lib.validation import Issues, is_token

RBAC_ENGINES = (Engine.VALKEY, Engine.REDIS)
DEFAULT_USER_NAME = "default"
DISABLED_ACCESS_STRING = "off -@all"


class UserAuthentication(Enum):
    """How a user proves who it is (``AuthenticationMode.Type``)."""

    PASSWORD = "password"
    IAM = "iam"
    NO_PASSWORD = "no-password-required"


@runtime_checkable
class IUser(Protocol):
    """An ElastiCache user, created here or imported."""

    @property
    def user_id(self) -> str: ...

    @property
    def user_name(self) -> str | None: ...

    @property
    def user_arn(self) -> str: ...

    @property
    def engine(self) -> Engine | None: ...

    @property
    def authentication(self) -> UserAuthentication | None: ...

    @property
    def access_string(self) -> str | None: ...

    @property
    def secret(self) -> secretsmanager.ISecret | None: ...


@runtime_checkable
class IUserGroup(Protocol):
    """An ElastiCache user group, created here or imported."""

    @property
    def user_group_id(self) -> str: ...

    @property
    def user_group_arn(self) -> str: ...

    @property
    def engine(self) -> Engine | None: ...

    @property
    def users(self) -> list[IUser]:
        """The members known here (all of them for a group created here; none for an import)."""
        ...


def generated_id(scope: Construct, max_length: int = 40) -> str:
    """A stable, account-unique-enough lower-case id from the construct path: ``[a-z][a-z0-9-]*``."""
    raw = Names.unique_resource_name(scope, max_length=max_length, separator="-").lower()
    cleaned = re.sub(r"[^a-z0-9-]", "-", raw).strip("-")
    return cleaned if cleaned[:1].isalpha() else f"u{cleaned}"[:max_length]


def _user_arn(scope: Resource, user_id: str) -> str:
    """In the user's own region and account (an imported user may live elsewhere)."""
    return Stack.of(scope).format_arn(
        service="elasticache",
        resource="user",
        resource_name=user_id,
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
        region=scope.env.region,
        account=scope.env.account,
    )


class _UserBase(Resource):
    _user_id: str
    _user_name: str | None
    _engine: Engine | None
    _authentication: UserAuthentication | None
    _access_string: str | None
    _secret: secretsmanager.ISecret | None = None

    @property
    def user_id(self) -> str:
        """The id; for a user created here a reference to it, so a group that lists it waits for it."""
        resource = getattr(self, "resource", None)
        return resource.ref if resource is not None else self._user_id

    @property
    def user_name(self) -> str | None:
        return self._user_name

    @property
    def user_arn(self) -> str:
        return _user_arn(self, self.user_id)

    @property
    def engine(self) -> Engine | None:
        return self._engine

    @property
    def authentication(self) -> UserAuthentication | None:
        return self._authentication

    @property
    def access_string(self) -> str | None:
        return self._access_string

    @property
    def secret(self) -> secretsmanager.ISecret | None:
        """The secret holding ``{"username": ..., "password": ...}``; ``None`` without a password."""
        return self._secret

    @staticmethod
    def from_user_id(
        scope: Construct,
        id: str,
        user_id: str,
        *,
        user_name: str | None = None,
        engine: Engine | None = None,
        authentication: UserAuthentication | None = None,
        secret: secretsmanager.ISecret | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> IUser:
        """Reference an existing user by id, to add it to a group or grant access to it.

        :param region: its region, when not the importing stack's.
        :param account: its account, when not the importing stack's.
        """
        return _ImportedUser(
            scope,
            id,
            user_id=user_id,
            user_name=user_name,
            engine=engine,
            authentication=authentication,
            secret=secret,
            region=region,
            account=account,
        )


class _ImportedUser(_UserBase):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        user_id: str,
        user_name: str | None,
        engine: Engine | None,
        authentication: UserAuthentication | None,
        secret: secretsmanager.ISecret | None,
        region: str | None,
        account: str | None,
    ) -> None:
        super().__init__(scope, id, region=region, account=account)
        issues = Issues(self.node.path)
        issues.name("user_id", user_id, USER_ID, optional=False)
        issues.text("user_name", user_name)
        issues.enum("engine", engine, Engine, optional=True)
        issues.enum("authentication", authentication, UserAuthentication, optional=True)
        issues.interface("secret", secret, "a secretsmanager.ISecret", "secret_arn")
        issues.name("region", region, AWS_REGION)
        issues.name("account", account, AWS_ACCOUNT)
        issues.raise_if_any()
        self._user_id, self._user_name, self._engine = user_id, user_name, engine
        self._authentication, self._access_string, self._secret = authentication, None, secret


def _check_user(issues: Issues, engine: object, user_id: object, user_name: object, access_string: object) -> bool:
    engine_ok = issues.require(
        rules.TYPE,
        engine in RBAC_ENGINES,
        "engine",
        "Engine.VALKEY or Engine.REDIS (RBAC users exist for these engines only)",
        engine,
    )
    if issues.name("user_id", user_id, USER_ID) and user_id in RESERVED_USER_IDS:
        issues.add(rules.NAME, "user_id", "an id other than 'default', which is ElastiCache's built-in user", user_id)
    issues.name("user_name", user_name, USER_NAME, optional=False)
    if issues.text("access_string", access_string, optional=False) and not is_token(access_string):
        assert isinstance(access_string, str)
        found = acl.problems(access_string)
        issues.require(
            rules.ACCESS_STRING,
            not found,
            "access_string",
            f"{acl.ACCESS_STRING_RULES} ({'; '.join(found)})",
            access_string,
        )
    return engine_ok


@documented_signature
class PasswordUser(_UserBase):
    """A user who logs in with a password kept in Secrets Manager.

    :param user_name: the name clients log in with (``AUTH <user_name> <password>``).
    :param access_string: ACL rules, for example ``"on ~app:* -@all +@read +@write"``; checked at synth.
    :param engine: ``Engine.VALKEY`` or ``Engine.REDIS``. Default: ``Engine.VALKEY``.
    :param user_id: account-unique id, ``[a-z][a-z0-9-]*``. Default: generated from the construct path.
    :param secret: an existing secret holding the password, instead of a generated one.
    :param json_field: the JSON field of an existing secret that holds the password. Default:
        ``password`` (a generated secret always uses it).
    :param whole_secret: the existing secret's whole value is the password (no JSON). Default: False.
    :param password_length: length of a generated password, 16-128. Default: 64.
    :param encryption_key: key for a generated secret. Default: a new customer-managed key with rotation.
    :param removal_policy: for the user and its generated secret. Default: ``RemovalPolicy.DESTROY``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        user_name: str,
        access_string: str,
        engine: Engine = Engine.VALKEY,
        user_id: str | None = None,
        secret: secretsmanager.ISecret | None = None,
        json_field: str | None = None,
        whole_secret: bool = False,
        password_length: int | None = None,
        encryption_key: kms.IKey | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.DESTROY,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        _check_user(issues, engine, user_id, user_name, access_string)
        issues.interface(
            "secret",
            secret,
            "a secretsmanager.ISecret (Secret.from_secret_name_v2 for an existing one)",
            "secret_arn",
            "secret_value_from_json",
        )
        issues.switch("whole_secret", whole_secret, optional=False)
        if secret is None:
            for prop, given in (("json_field", json_field), ("whole_secret", whole_secret or None)):
                issues.require(rules.EXCLUSIVE, given is None, prop, "unset without an existing secret", given)
            low, high = PASSWORD_LENGTH
            issues.whole(
                rules.SECRET_LENGTH,
                "password_length",
                64 if password_length is None else password_length,
                low,
                high,
                synth=True,
            )
        else:
            issues.require(
                rules.EXCLUSIVE,
                password_length is None,
                "password_length",
                "unset with an existing secret (its password is already set)",
                password_length,
            )
            issues.require(
                rules.EXCLUSIVE,
                not (whole_secret is True and json_field is not None),
                "json_field",
                "unset when whole_secret is True",
                json_field,
            )
            if json_field is not None and issues.text("json_field", json_field):
                issues.require(
                    rules.MISSING, bool(json_field), "json_field", "the name of the secret's JSON field", json_field
                )
        issues.interface("encryption_key", encryption_key, "a kms.IKey", "key_arn")
        issues.enum("removal_policy", removal_policy, RemovalPolicy)
        issues.raise_if_any()

        self._user_id = user_id or generated_id(self)
        self._user_name, self._engine, self._access_string = user_name, engine, access_string
        self._authentication = UserAuthentication.PASSWORD
        if secret is None:
            if encryption_key is None:
                # A customer-managed key, as the HIPAA, NIST and PCI packs require of secrets.
                encryption_key = kms.Key(
                    self,
                    "Key",
                    description=f"Encrypts the password of {self.node.path}",
                    enable_key_rotation=True,
                    removal_policy=removal_policy,
                )
            secret = generated_secret(
                self,
                "Secret",
                description=f"Password of ElastiCache user {user_name} ({self.node.path})",
                length=64 if password_length is None else password_length,
                encryption_key=encryption_key,
                removal_policy=removal_policy,
                username=user_name,
            )
            nag.acknowledge_password_rotation(secret)
        self._secret = secret
        value = secret.secret_value if whole_secret else secret.secret_value_from_json(json_field or "password")
        self.resource = elasticache.CfnUser(
            self,
            "Resource",
            engine=engine.value,
            user_id=self._user_id,
            user_name=user_name,
            access_string=access_string,
            authentication_mode={"Type": "password", "Passwords": [value.unsafe_unwrap()]},
        )
        self.resource.apply_removal_policy(removal_policy)


@documented_signature
class IamUser(_UserBase):
    """A user who logs in with an IAM identity (SigV4 token as password; Valkey 7.2+, Redis OSS 7.0+).

    Its user name equals its user id, as ElastiCache requires for IAM users. Grant a principal the
    right to connect as it with ``cache.grant_connect(principal)``.

    :param access_string: ACL rules; checked at synth.
    :param user_id: account-unique id, also the user name. Default: generated from the construct path.
    :param engine: Default: ``Engine.VALKEY``.
    :param removal_policy: Default: ``RemovalPolicy.DESTROY``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        access_string: str,
        user_id: str | None = None,
        engine: Engine = Engine.VALKEY,
        removal_policy: RemovalPolicy = RemovalPolicy.DESTROY,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        _check_user(issues, engine, user_id, user_id or "generated", access_string)
        issues.enum("removal_policy", removal_policy, RemovalPolicy)
        issues.raise_if_any()
        self._user_id = user_id or generated_id(self)
        self._user_name, self._engine, self._access_string = self._user_id, engine, access_string
        self._authentication = UserAuthentication.IAM
        self.resource = elasticache.CfnUser(
            self,
            "Resource",
            engine=engine.value,
            user_id=self._user_id,
            user_name=self._user_id,
            access_string=access_string,
            authentication_mode={"Type": "iam"},
        )
        self.resource.apply_removal_policy(removal_policy)


class _DisabledDefaultUser(_UserBase):
    """The user named ``default`` a ``redis`` user group must hold, switched off: connections that do
    not authenticate as another user get nothing. Without a password, as ElastiCache's own
    default user; ``off`` means no one can log in as it."""

    def __init__(self, scope: Construct, id: str, *, removal_policy: RemovalPolicy) -> None:
        super().__init__(scope, id)
        self._user_id = generated_id(self)
        self._user_name, self._engine = DEFAULT_USER_NAME, Engine.REDIS
        self._authentication, self._access_string = UserAuthentication.NO_PASSWORD, DISABLED_ACCESS_STRING
        self.resource = elasticache.CfnUser(
            self,
            "Resource",
            engine=Engine.REDIS.value,
            user_id=self._user_id,
            user_name=DEFAULT_USER_NAME,
            access_string=DISABLED_ACCESS_STRING,
            authentication_mode={"Type": "no-password-required"},
        )
        self.resource.apply_removal_policy(removal_policy)


def membership_issues(path: str, engine: Engine, users: Sequence[IUser]) -> list[ValidationIssue]:
    """What ElastiCache would refuse about ``users`` in a group of ``engine`` [EC:Clusters.RBAC]."""
    issues = Issues(path)
    for user in users:
        if engine is Engine.REDIS:
            issues.require(
                rules.USER_GROUP_ENGINE,
                user.engine in (None, Engine.REDIS),
                "users",
                "users of engine redis only, in a redis user group",
                user,
            )
        else:
            issues.require(
                rules.USER_GROUP_MEMBERS,
                user.authentication is not UserAuthentication.NO_PASSWORD,
                "users",
                "users with a password or IAM authentication in a valkey user group (no password-less users)",
                user,
            )
    names = [user.user_name for user in users if user.user_name is not None and not is_token(user.user_name)]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    issues.require(rules.USER_GROUP_MEMBERS, not duplicates, "users", "users with distinct user names", duplicates)
    return issues.found


@documented_signature
class UserGroup(Resource):
    """An ``AWS::ElastiCache::UserGroup``.

    :param engine: ``Engine.VALKEY`` or ``Engine.REDIS``. A Valkey cache takes groups of either
        engine; a Redis OSS cache only ``redis`` groups. Default: ``Engine.VALKEY``.
    :param users: the members; more can be added with ``add_user``.
    :param user_group_id: account-unique id, ``[a-z][a-z0-9-]*``. Default: generated from the path.
    :param removal_policy: Default: ``RemovalPolicy.DESTROY``.

    A ``redis`` group without a user named ``default`` among ``users`` gets a disabled one.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        engine: Engine = Engine.VALKEY,
        users: Sequence[IUser] = (),
        user_group_id: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.DESTROY,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        engine_ok = issues.require(
            rules.TYPE, engine in RBAC_ENGINES, "engine", "Engine.VALKEY or Engine.REDIS", engine
        )
        users_ok = issues.require(
            rules.TYPE,
            isinstance(users, (list, tuple)) and all(isinstance(user, IUser) for user in users),
            "users",
            "a list of users (PasswordUser, IamUser, or imported with PasswordUser.from_user_id)",
            users,
        )
        issues.name("user_group_id", user_group_id, USER_GROUP_ID)
        issues.enum("removal_policy", removal_policy, RemovalPolicy)
        if engine_ok and users_ok:
            issues.extend(membership_issues(self.node.path, engine, users))
        issues.raise_if_any()

        self._engine = engine
        self._users: list[IUser] = list(users)
        self._member_checks: list[Callable[[list[IUser]], list[ValidationIssue]]] = []
        self._removal_policy = removal_policy
        if engine is Engine.REDIS and not any(user.user_name == DEFAULT_USER_NAME for user in users):
            self._users.insert(0, _DisabledDefaultUser(self, "DefaultUser", removal_policy=removal_policy))
        self.resource = elasticache.CfnUserGroup(
            self,
            "Resource",
            engine=engine.value,
            user_group_id=user_group_id or generated_id(self),
            user_ids=Lazy.list(_UserIds(self)),
        )
        self.resource.apply_removal_policy(removal_policy)
        self.node.add_validation(_NotEmpty(self))

    @property
    def user_group_id(self) -> str:
        return self.resource.ref

    @property
    def user_group_arn(self) -> str:
        return self.resource.attr_arn

    @property
    def engine(self) -> Engine | None:
        return self._engine

    @property
    def users(self) -> list[IUser]:
        return list(self._users)

    def add_user(self, user: IUser) -> None:
        """Add a member; checked at once against the group's rules and those of every cache the group
        is attached to."""
        issues = Issues(self.node.path)
        if issues.require(rules.TYPE, isinstance(user, IUser), "users", "a user (PasswordUser, IamUser ...)", user):
            members = [*self._users, user]
            issues.extend(membership_issues(self.node.path, self._engine, members))
            for check in self._member_checks:
                issues.extend(check(members))
        issues.raise_if_any()
        self._users.append(user)

    def check_members_with(self, check: Callable[[list[IUser]], list[ValidationIssue]]) -> None:
        """Run ``check`` on the members whenever one is added (a cache attached to the group uses it)."""
        self._member_checks.append(check)

    @staticmethod
    def from_user_group_id(
        scope: Construct, id: str, user_group_id: str, *, engine: Engine | None = None
    ) -> IUserGroup:
        """Reference an existing user group, to attach it to a cache."""
        return _ImportedUserGroup(scope, id, user_group_id=user_group_id, engine=engine)


@jsii.implements(IStableListProducer)
class _UserIds:
    """The group's user ids, read at synth so that users added with ``add_user`` are included."""

    def __init__(self, group: UserGroup) -> None:
        self.group = group

    def produce(self) -> list[str]:
        return [user.user_id for user in self.group.users]


@jsii.implements(IValidation)
class _NotEmpty:
    """A user group needs at least one member ([CFN] UserIds minimum 1); users may be added after
    construction, so this is checked at synth."""

    def __init__(self, group: UserGroup) -> None:
        self.group = group

    def validate(self) -> list[str]:
        if self.group.users:
            return []
        # CDK prefixes the construct path itself.
        return [f"[{rules.USER_GROUP_MEMBERS.code}] users must be at least one user; got []"]


class _ImportedUserGroup(Resource):
    def __init__(self, scope: Construct, id: str, *, user_group_id: str, engine: Engine | None) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        issues.name("user_group_id", user_group_id, USER_GROUP_ID, optional=False)
        issues.enum("engine", engine, Engine, optional=True)
        issues.raise_if_any()
        self._user_group_id, self._engine = user_group_id, engine

    @property
    def user_group_id(self) -> str:
        return self._user_group_id

    @property
    def user_group_arn(self) -> str:
        return Stack.of(self).format_arn(
            service="elasticache",
            resource="usergroup",
            resource_name=self._user_group_id,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )

    @property
    def engine(self) -> Engine | None:
        return self._engine

    @property
    def users(self) -> list[IUser]:
        return []
