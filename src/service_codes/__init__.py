"""service-codes: one standard description and one code for every government service matter.

>>> from service_codes import CatalogCode, ImplementationCode, MatterType, Level
>>> catalog = CatalogCode("00", MatterType.LICENSING, 4002)
>>> str(ImplementationCode("11450721MB15580811", Level.COUNTY, catalog))
'11450721MB155808114000104002000'
"""

from service_codes.codelists import (
    AgencyNature,
    CaseType,
    HandlingForm,
    Level,
    MaterialForm,
    MaterialKind,
    MaterialSource,
    MatterState,
    MatterType,
    Necessity,
    OnlineDepth,
    PowerSource,
    Scope,
    ServiceObject,
    TimeUnit,
)
from service_codes.codes import (
    CaseNumber,
    CatalogCode,
    HandlingItemCode,
    ImplementationCode,
    MaterialCode,
    parse_code,
)
from service_codes.consistency import check_consistency
from service_codes.diff import diff_guides
from service_codes.errors import (
    InvalidChecksum,
    InvalidCode,
    InvalidCodeLists,
    InvalidComponent,
    InvalidFormat,
    InvalidGuide,
    InvalidLength,
    RegistryCorrupt,
    RegistryError,
    RegistryRefused,
    RegistryUnavailable,
    ServiceCodesError,
)
from service_codes.explain import explain_code
from service_codes.formats import read_guide
from service_codes.formats.exchange import to_exchange
from service_codes.formats.exchange_read import from_exchange
from service_codes.formats.html import render_guide
from service_codes.formats.json import from_json, to_json
from service_codes.formats.xml import from_xml, to_xml
from service_codes.identifiers import (
    is_valid_organization_code,
    is_valid_uscc,
    validate_organization_code,
    validate_uscc,
)
from service_codes.matter_types import (
    AnyMatterType,
    Declared,
    ExtensionType,
    Family,
    MatterTypes,
    catalogue_types,
    read_matter_types,
)
from service_codes.model import (
    Agency,
    ApprovalResult,
    Faq,
    Fee,
    Guide,
    HandlingItem,
    LegalBasis,
    Material,
    Matter,
    SpecialProcedure,
    Step,
    TimeLimit,
)
from service_codes.registry import CodeInfo, Registry
from service_codes.text import normalize_name
from service_codes.validation import Problem, Report, Severity, validate

__all__ = [
    "Agency",
    "AgencyNature",
    "AnyMatterType",
    "ApprovalResult",
    "CaseNumber",
    "CaseType",
    "CatalogCode",
    "CodeInfo",
    "Declared",
    "ExtensionType",
    "Family",
    "Faq",
    "Fee",
    "Guide",
    "HandlingForm",
    "HandlingItem",
    "HandlingItemCode",
    "ImplementationCode",
    "InvalidChecksum",
    "InvalidCode",
    "InvalidCodeLists",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidGuide",
    "InvalidLength",
    "LegalBasis",
    "Level",
    "Material",
    "MaterialCode",
    "MaterialForm",
    "MaterialKind",
    "MaterialSource",
    "Matter",
    "MatterState",
    "MatterType",
    "MatterTypes",
    "Necessity",
    "OnlineDepth",
    "PowerSource",
    "Problem",
    "Registry",
    "RegistryCorrupt",
    "RegistryError",
    "RegistryRefused",
    "RegistryUnavailable",
    "Report",
    "Scope",
    "ServiceCodesError",
    "ServiceObject",
    "Severity",
    "SpecialProcedure",
    "Step",
    "TimeLimit",
    "TimeUnit",
    "catalogue_types",
    "check_consistency",
    "diff_guides",
    "explain_code",
    "from_exchange",
    "from_json",
    "from_xml",
    "is_valid_organization_code",
    "is_valid_uscc",
    "normalize_name",
    "parse_code",
    "read_guide",
    "read_matter_types",
    "render_guide",
    "to_exchange",
    "to_json",
    "to_xml",
    "validate",
    "validate_organization_code",
    "validate_uscc",
]
