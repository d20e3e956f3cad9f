"""Stage 7 of the pipeline: pictures for sentences no library shot fits (title cards by default).

Import names from the modules that define them: this file stays empty, so importing one module of the
package loads no other.
"""
