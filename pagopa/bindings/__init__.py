"""xsdata dataclasses for paForNode.xsd (generated; see README.md in this folder).

Regenerate from the repository root with:

    PATH=.venv/bin:$PATH xsdata generate pagopa/schemas/wsdl/xsd/paForNode.xsd --package pagopa.bindings

The runtime code in ``pagopa.soap`` builds and reads XML with lxml and validates every
message against the XSD; these bindings are kept as a typed, generated view of the schema
(usable with ``xsdata.formats.dataclass.parsers.XmlParser``) and are exercised by tests.
"""
