"""Reads template.yaml: the one description of the shop's resources, functions and routes.

Tests and the local stack build everything from here, so there is no second, hand-written list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"

_SHORT_FORMS = {"GetAtt": "Fn::GetAtt", "Ref": "Ref"}


class _TemplateLoader(yaml.SafeLoader):
    """A SafeLoader that reads CloudFormation's short forms (!Ref, !GetAtt, !Sub, ...) as long forms."""


def _short_form(loader: _TemplateLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = _SHORT_FORMS.get(suffix, f"Fn::{suffix}")
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_TemplateLoader.add_multi_constructor("!", _short_form)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str
    public: bool


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: str
    handler: str
    timeout: int
    environment: dict[str, Any]
    events: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return ROOT / self.code_uri

    @property
    def module_file(self) -> Path:
        return self.folder / (self.handler.rsplit(".", 1)[0].replace(".", "/") + ".py")

    @property
    def handler_name(self) -> str:
        return self.handler.rsplit(".", 1)[1]


class Template:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.resources: dict[str, dict[str, Any]] = document["Resources"]
        self.parameters: dict[str, dict[str, Any]] = document.get("Parameters", {})
        self.globals: dict[str, Any] = document.get("Globals", {}).get("Function", {})

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {name: res for name, res in self.resources.items() if res["Type"] == resource_type}

    def functions(self) -> dict[str, FunctionSpec]:
        specs = {}
        for name, resource in self.of_type("AWS::Serverless::Function").items():
            props = resource["Properties"]
            environment = dict(self.globals.get("Environment", {}).get("Variables", {}))
            environment.update(props.get("Environment", {}).get("Variables", {}))
            specs[name] = FunctionSpec(
                logical_id=name,
                code_uri=props["CodeUri"].rstrip("/"),
                handler=props.get("Handler", self.globals.get("Handler", "")),
                timeout=int(props.get("Timeout", self.globals.get("Timeout", 3))),
                environment=environment,
                events=props.get("Events", {}),
            )
        return specs

    def function_named(self, folder: str) -> FunctionSpec:
        for spec in self.functions().values():
            if spec.code_uri == f"functions/{folder}":
                return spec
        raise KeyError(f"no function with CodeUri functions/{folder}/ in template.yaml")

    def routes(self) -> list[Route]:
        api = next(iter(self.of_type("AWS::Serverless::Api").values()))
        default_authorizer = api["Properties"].get("Auth", {}).get("DefaultAuthorizer")
        routes = []
        for spec in self.functions().values():
            for event in spec.events.values():
                if event["Type"] != "Api":
                    continue
                props = event["Properties"]
                authorizer = props.get("Auth", {}).get("Authorizer", default_authorizer)
                routes.append(
                    Route(
                        method=props["Method"].upper(),
                        path=props["Path"],
                        function=spec.logical_id,
                        public=authorizer in {None, "NONE"},
                    )
                )
        return routes

    def parameter_defaults(self) -> dict[str, str]:
        return {name: str(p["Default"]) for name, p in self.parameters.items() if "Default" in p}


@cache
def load(path: Path = TEMPLATE_PATH) -> Template:
    return Template(yaml.load(path.read_text(encoding="utf-8"), Loader=_TemplateLoader))  # noqa: S506 - SafeLoader subclass


_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class Resolver:
    """Turns intrinsic functions into values, given what each resource's Ref and attributes are."""

    def __init__(self, refs: dict[str, str], attributes: dict[tuple[str, str], str]) -> None:
        self.refs = refs
        self.attributes = attributes

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self.refs[argument]
            if key == "Fn::GetAtt":
                return self.attributes[(argument[0], argument[1])]
            if key == "Fn::Sub":
                return self._substitute(argument)
        return {k: self.resolve(v) for k, v in value.items()}

    def _substitute(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name:
                logical, attribute = name.split(".", 1)
                return self.attributes[(logical, attribute)]
            return self.refs[name]

        return _SUB_VARIABLE.sub(replace, text)
