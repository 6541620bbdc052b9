"""Guarded tools: check an agent's Keel contract before a tool runs, report what happened after.

    guard = Guard(client.session(agent_id))
    @guard.tool(mode="order", action="execute", target="order_id")
    def refund(order_id: str, amount: float) -> str: ...

A guarded call checks the contract the guard holds (the latest one Keel answered) locally: the
declared action must be allowed and not forbidden, and the target inside the declared scope.
Then it runs the tool, or refuses with KeelDenied without running it. Either way the call and its
outcome go to Keel as ONE observation on the session (one round trip), whose answer becomes the
held contract. An exception inside the tool is reported as the outcome and re-raised unchanged.

When Keel cannot be reached the guard fails closed: observations that could not be reported are
kept (`pending`) and re-sent first, in order, by the next call; until that succeeds, tools
declared fail_open=False (the default) are refused with KeelUnreachable (a KeelDenied), while
fail_open=True tools are still checked against the held contract and run.
"""
from __future__ import annotations

import functools
import inspect
import threading
from dataclasses import dataclass, field
from typing import (
    Any, Awaitable, Callable, Dict, List, Mapping, Optional, Protocol, Sequence, Tuple, TypeVar, Union, cast,
)

from keel_client import _enums as e
from keel_client._enums import Mode, mode_value
from keel_client._errors import (
    Cancelled, DeadlineExceeded, KeelError, ResourceExhausted, Unavailable, Unknown,
)
from keel_client._results import Contract, SessionOutcome

F = TypeVar("F", bound=Callable[..., Any])
#: How a tool's target is read from its call: the name of an argument, or a function of the
#: call's arguments (bound by name, defaults applied).
TargetSpec = Union[str, Callable[[Mapping[str, Any]], Optional[str]], None]

# Errors that mean "Keel could not be reached", as opposed to Keel refusing the request.
_UNREACHABLE = (Unavailable, DeadlineExceeded, Cancelled, ResourceExhausted, Unknown)


class KeelDenied(Exception):
    """Keel's contract does not allow this tool call now; the tool did not run.

    `reasons` are readable sentences; `causes` the contract's restriction causes for the action
    ("stress", "energy", "drift", "contract_scope", ...) when it gave them."""

    def __init__(self, tool: str, action: str, reasons: Sequence[str], causes: Sequence[str] = (),
                 allowed_actions: Sequence[str] = ()) -> None:
        self.tool = tool
        self.action = action
        self.reasons = list(reasons)
        self.causes = list(causes)
        self.allowed_actions = list(allowed_actions)
        super().__init__(f"keel denied {tool} ({action}): " + "; ".join(self.reasons))


class KeelUnreachable(KeelDenied):
    """Keel could not be reached and the tool fails closed; `error` is the last KeelError."""

    def __init__(self, tool: str, action: str, error: KeelError) -> None:
        self.error = error
        super().__init__(tool, action, [f"Keel is unreachable ({error}); {tool} fails closed"], ["unreachable"])


@dataclass(frozen=True)
class ToolSpec:
    """One tool's declaration: checked when declared, so a typo fails at import, not mid-task."""

    name: str
    mode: Mode
    action: str
    operation: str
    target: TargetSpec = None
    strength: float = 0.5
    fail_open: bool = False
    _action_value: int = field(default=0, repr=False)

    @staticmethod
    def declare(name: str, mode: Union[Mode, int, str], action: str, *, operation: Optional[str] = None,
                target: TargetSpec = None, strength: float = 0.5, fail_open: bool = False) -> "ToolSpec":
        try:
            m = Mode(mode_value(mode))
        except ValueError as err:
            raise ValueError(f"tool {name!r}: {err}") from None
        by_name = {v: k for k, v in e.ACTIONS.items()}
        if action not in by_name:
            raise ValueError(f"tool {name!r}: unknown Keel action {action!r}: one of {', '.join(sorted(by_name))}")
        if not 0.0 <= strength <= 1.0:
            raise ValueError(f"tool {name!r}: strength must be in [0, 1], got {strength}")
        if target is not None and not isinstance(target, str) and not callable(target):
            raise TypeError(f"tool {name!r}: target must be an argument name or a function of the arguments")
        return ToolSpec(name, m, action, operation or name, target, float(strength), fail_open, by_name[action])


class _SyncSession(Protocol):
    @property
    def contract(self) -> Optional[Contract]: ...

    def process(self, mode: Union[Mode, int, str], signal_strength: float, *, action: Optional[str] = None,
                target: Optional[str] = None, outcome: Optional[str] = None) -> SessionOutcome: ...


class _AsyncSession(Protocol):
    @property
    def contract(self) -> Optional[Contract]: ...

    async def process(self, mode: Union[Mode, int, str], signal_strength: float, *, action: Optional[str] = None,
                      target: Optional[str] = None, outcome: Optional[str] = None) -> SessionOutcome: ...


#: One observation waiting to be reported: (mode, strength, operation, target, outcome).
_Report = Tuple[Mode, float, str, Optional[str], str]


def check(spec: ToolSpec, contract: Optional[Contract], target: Optional[str],
          scope: Optional[Sequence[str]]) -> Optional[KeelDenied]:
    """The local check of one call against the held contract: None when it may run."""
    if contract is None:
        return KeelDenied(spec.name, spec.action, ["no contract from Keel yet"], ["no_contract"])
    reasons: List[str] = []
    causes: List[str] = []
    allowed = contract.allowed_actions
    forbidden = spec.action in contract.forbidden_actions
    if forbidden or spec.action not in allowed:
        # The contract's restrictions say why an action is not allowed, when the server sends them.
        restriction = next((r for r in contract.restrictions if r.action == spec.action), None)
        what = "forbidden" if forbidden else "not allowed"
        if restriction is not None and restriction.causes:
            causes.extend(restriction.causes)
            detail = f" ({restriction.detail})" if restriction.detail else ""
            reasons.append(f"action {spec.action!r} is {what}: {', '.join(restriction.causes)}{detail}")
        elif forbidden:
            causes.append("forbidden")
            reasons.append(f"action {spec.action!r} is forbidden by the current contract")
        else:
            causes.append("not_allowed")
            reasons.append(f"action {spec.action!r} is not among the allowed actions")
    if scope is not None and spec.target is not None:  # a tool that touches no target has none to scope
        if target is None:
            causes.append("scope")
            reasons.append("the call names no target and the declared scope restricts targets")
        elif not any(target.lower().startswith(p.lower()) for p in scope):
            causes.append("scope")
            reasons.append(f"target {target!r} is outside the declared scope ({', '.join(scope)})")
    if not reasons:
        return None
    if contract.current_stress_level:
        reasons.append(f"stress {contract.current_stress_level}, energy {contract.energy_level:.2f}")
    return KeelDenied(spec.name, spec.action, reasons, causes, allowed)


def target_of(spec: ToolSpec, fn: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Optional[str]:
    if spec.target is None:
        return None
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
        bound.apply_defaults()
        arguments: Dict[str, Any] = dict(bound.arguments)
        for param in inspect.signature(fn).parameters.values():
            if param.kind is inspect.Parameter.VAR_KEYWORD:  # def tool(**kwargs): read the target by its key
                arguments.update(arguments.pop(param.name, {}))
    except (TypeError, ValueError):
        arguments = dict(kwargs)
    if isinstance(spec.target, str):
        value = arguments.get(spec.target)
    else:
        value = spec.target(arguments)
    return None if value is None else str(value)


def outcome_of(error: Optional[BaseException]) -> str:
    return "success" if error is None else f"error:{type(error).__name__}"


class _GuardBase:
    def __init__(self, scope: Optional[Sequence[str]]) -> None:
        #: Target prefixes the agent may touch (like a declared contract's authorized_scope.targets);
        #: None leaves targets unrestricted.
        self.scope = list(scope) if scope is not None else None
        self.tools: Dict[str, Tuple[ToolSpec, Callable[..., Any]]] = {}
        #: Observations that could not be reported, re-sent first (in order) by the next call.
        self.pending: List[_Report] = []
        #: Why Keel was last unreachable; None once a report got through.
        self.unreachable: Optional[KeelError] = None

    def _register(self, spec: ToolSpec, fn: Callable[..., Any]) -> None:
        if spec.name in self.tools:
            raise ValueError(f"tool {spec.name!r} is already guarded")
        self.tools[spec.name] = (spec, fn)

    def _lookup(self, name: str) -> Tuple[ToolSpec, Callable[..., Any]]:
        try:
            return self.tools[name]
        except KeyError:
            raise KeyError(f"no guarded tool named {name!r}: {', '.join(sorted(self.tools)) or 'none declared'}") from None


class Guard(_GuardBase):
    """Guards synchronous tools with a Session (`client.session(agent_id)`). Thread-safe: calls
    through one guard are serialised, like the session's."""

    def __init__(self, session: _SyncSession, *, scope: Optional[Sequence[str]] = None) -> None:
        super().__init__(scope)
        self.session = session
        self._lock = threading.RLock()

    @property
    def contract(self) -> Optional[Contract]:
        """The latest contract Keel answered on the session (to a guarded call or any other
        observation sent on it): the one calls are checked against."""
        return self.session.contract

    def tool(self, *, mode: Union[Mode, int, str], action: str, name: Optional[str] = None, operation: Optional[str] = None,
             target: TargetSpec = None, strength: float = 0.5, fail_open: bool = False) -> Callable[[F], F]:
        """Declares a guarded tool (see ToolSpec.declare). The decorated function keeps its signature."""
        def wrap(fn: F) -> F:
            spec = ToolSpec.declare(name or fn.__name__, mode, action, operation=operation, target=target,
                                    strength=strength, fail_open=fail_open)
            self._register(spec, fn)

            @functools.wraps(fn)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                return self._call(spec, fn, args, kwargs)
            return cast(F, guarded)
        return wrap

    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        """Calls a guarded tool by name (as an LLM names it)."""
        spec, fn = self._lookup(name)
        return self._call(spec, fn, args, kwargs)

    def precheck(self, name: str, /, *args: Any, **kwargs: Any) -> Optional[KeelDenied]:
        """Checks a call of a guarded tool without running it: None if it may run, else the
        refusal, already reported (for frameworks whose guardrails run before the tool)."""
        spec, fn = self._lookup(name)
        with self._lock:
            target = target_of(spec, fn, args, kwargs)
            if not self._flush() and not spec.fail_open:
                assert self.unreachable is not None
                return KeelUnreachable(spec.name, spec.action, self.unreachable)
            denied = check(spec, self.session.contract, target, self.scope)
            if denied is not None:
                self._report((spec.mode, spec.strength, spec.operation, target, "denied"))
            return denied

    def _call(self, spec: ToolSpec, fn: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
        with self._lock:
            target = target_of(spec, fn, args, kwargs)
            if not self._flush() and not spec.fail_open:
                assert self.unreachable is not None
                raise KeelUnreachable(spec.name, spec.action, self.unreachable)
            denied = check(spec, self.session.contract, target, self.scope)
            if denied is not None:
                self._report((spec.mode, spec.strength, spec.operation, target, "denied"))
                raise denied
            try:
                result = fn(*args, **kwargs)
            except BaseException as err:
                try:
                    self._report((spec.mode, spec.strength, spec.operation, target, outcome_of(err)))
                except KeelError:
                    pass  # the tool's own exception is what the caller must see
                raise
            self._report((spec.mode, spec.strength, spec.operation, target, outcome_of(None)))
            return result

    def _report(self, report: _Report) -> None:
        self.pending.append(report)
        self._flush()

    def _flush(self) -> bool:
        """Reports what is pending, oldest first; False (and `unreachable` set) on an outage."""
        while self.pending:
            mode, strength, operation, target, outcome = self.pending[0]
            try:
                self.session.process(mode, strength, action=operation, target=target, outcome=outcome)
            except _UNREACHABLE as err:
                self.unreachable = err
                return False
            self.pending.pop(0)
            self.unreachable = None
        return True


class AsyncGuard(_GuardBase):
    """Guards tools with an AsyncSession; tools may be coroutine functions or plain functions."""

    def __init__(self, session: _AsyncSession, *, scope: Optional[Sequence[str]] = None) -> None:
        super().__init__(scope)
        self.session = session
        self._lock: Optional[Any] = None

    @property
    def contract(self) -> Optional[Contract]:
        return self.session.contract

    def tool(self, *, mode: Union[Mode, int, str], action: str, name: Optional[str] = None, operation: Optional[str] = None,
             target: TargetSpec = None, strength: float = 0.5, fail_open: bool = False) -> Callable[[F], Callable[..., Awaitable[Any]]]:
        """Declares a guarded tool; the guarded function is always awaited."""
        def wrap(fn: F) -> Callable[..., Awaitable[Any]]:
            spec = ToolSpec.declare(name or fn.__name__, mode, action, operation=operation, target=target,
                                    strength=strength, fail_open=fail_open)
            self._register(spec, fn)

            @functools.wraps(fn)
            async def guarded(*args: Any, **kwargs: Any) -> Any:
                return await self._call(spec, fn, args, kwargs)
            return guarded
        return wrap

    async def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        spec, fn = self._lookup(name)
        return await self._call(spec, fn, args, kwargs)

    def _async_lock(self) -> Any:
        import asyncio

        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def precheck(self, name: str, /, *args: Any, **kwargs: Any) -> Optional[KeelDenied]:
        """Guard.precheck for asyncio."""
        spec, fn = self._lookup(name)
        async with self._async_lock():
            target = target_of(spec, fn, args, kwargs)
            if not await self._flush() and not spec.fail_open:
                assert self.unreachable is not None
                return KeelUnreachable(spec.name, spec.action, self.unreachable)
            denied = check(spec, self.session.contract, target, self.scope)
            if denied is not None:
                await self._report((spec.mode, spec.strength, spec.operation, target, "denied"))
            return denied

    async def _call(self, spec: ToolSpec, fn: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
        async with self._async_lock():
            target = target_of(spec, fn, args, kwargs)
            if not await self._flush() and not spec.fail_open:
                assert self.unreachable is not None
                raise KeelUnreachable(spec.name, spec.action, self.unreachable)
            denied = check(spec, self.session.contract, target, self.scope)
            if denied is not None:
                await self._report((spec.mode, spec.strength, spec.operation, target, "denied"))
                raise denied
            try:
                result = fn(*args, **kwargs)
                if inspect.isawaitable(result):
                    result = await result
            except BaseException as err:
                try:
                    await self._report((spec.mode, spec.strength, spec.operation, target, outcome_of(err)))
                except KeelError:
                    pass  # the tool's own exception is what the caller must see
                raise
            await self._report((spec.mode, spec.strength, spec.operation, target, outcome_of(None)))
            return result

    async def _report(self, report: _Report) -> None:
        self.pending.append(report)
        await self._flush()

    async def _flush(self) -> bool:
        while self.pending:
            mode, strength, operation, target, outcome = self.pending[0]
            try:
                await self.session.process(mode, strength, action=operation, target=target, outcome=outcome)
            except _UNREACHABLE as err:
                self.unreachable = err
                return False
            self.pending.pop(0)
            self.unreachable = None
        return True


def declared_scope(contract: Any) -> Optional[List[str]]:
    """The target prefixes a declared behavioral contract authorizes, for `Guard(scope=...)`:
    `declared_scope(client.contracts.get_active(agent_id))`. None when it leaves targets
    unrestricted. (Its action scope needs nothing here: Keel already removes actions outside it
    from the contract's allowed_actions.)"""
    targets = [str(t) for t in contract.authorized_scope.targets]
    return targets or None
