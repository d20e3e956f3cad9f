"""Retrieval: candidate pooling, features, the one scoring formula, weights, keywords and calibration.

Import names from the modules that define them: this file stays empty, so importing one module of the
package loads no other.
"""
