"""Hand-off to editing suites: a timeline → a complete NLE project (OTIO, FCP 7 XML, FCPXML, EDL, AAF, MLT).

Import names from the modules that define them (``montage.export.write`` is the entry point); this file
stays empty, so importing one module of the package loads no other. See docs/nle-export.md.
"""
