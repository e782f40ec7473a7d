# -*- Python -*-
# lit configuration for qmlir's FileCheck tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QMLIR"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".pbtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qmlir_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs",
                   "Plugins"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%qmlir_src", config.qmlir_src_root))
config.substitutions.append(("%qmlir_obj", config.qmlir_obj_root))
config.substitutions.append(
    ("%llvm_lib_dir", os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")))
config.substitutions.append(("%python", config.python_executable))
# Text graph -> binary GraphDef with the project's own schema.
config.substitutions.append(
    ("%pbtxt_to_pb",
     "protoc -I " + os.path.join(config.qmlir_src_root, "lib", "Import", "TF")
     + " --encode=qmlir.tfproto.GraphDef tf_graph.proto"))
# The example custom-op plugin built from test/Plugins/PowerDifference.c.
config.substitutions.append(
    ("%power_difference_plugin",
     os.path.join(config.qmlir_obj_root, "test", "Plugins",
                  "power-difference-plugin.so")))
# RUN lines `import qref` (test/Inputs/qref.py): the NumPy reference of the
# qnn op semantics used to compute expected outputs; `import tfgraph` reads
# the constants of .pbtxt test graphs through the generated tf_graph_pb2.
config.environment["PYTHONPATH"] = os.pathsep.join([
    os.path.join(config.qmlir_src_root, "test", "Inputs"),
    os.path.join(config.qmlir_obj_root, "test", "Inputs")])

llvm_config.use_default_substitutions()
# `not`, FileCheck and count live in LLVM's tools dir.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.qmlir_tools_dir, config.llvm_tools_dir]
# qopt and qmlir-translate print locations (the model's node names) by
# default; tests check IR without them unless they ask for them.
no_locs = ["--mlir-print-debuginfo=false"]
llvm_config.add_tool_substitutions(
    [ToolSubst("qopt", extra_args=no_locs, unresolved="ignore"),
     ToolSubst("qmlir-translate", extra_args=no_locs, unresolved="ignore"),
     ToolSubst("qrun", unresolved="ignore"),
     ToolSubst("qmlir-compile", unresolved="ignore")], tool_dirs)
# The C compiler that builds test programs against compiled models.
config.substitutions.append(
    ("%cc", os.path.join(config.llvm_tools_dir, "clang")))
# The tools as users run them, with their default printing.
config.substitutions.append(
    ("%qopt_locs", os.path.join(config.qmlir_tools_dir, "qopt")))
config.substitutions.append(
    ("%translate_locs",
     os.path.join(config.qmlir_tools_dir, "qmlir-translate")))

# ONNX Runtime for Node.js (scripts/setup.sh installs onnxruntime-node into
# <build>/npm): tests that run exported ONNX models require it.
ort_modules = os.path.join(config.qmlir_obj_root, "npm", "node_modules")
if os.path.isdir(os.path.join(ort_modules, "onnxruntime-node")):
    config.available_features.add("onnxruntime")
    config.environment["NODE_PATH"] = ort_modules

# A sanitizer build (-DQMLIR_SANITIZE / -DQMLIR_ENABLE_FUZZERS, build-asan):
# tests that need the whole build installed (test/Package) are unsupported
# there, since scripts/sanitize.sh builds only the tools.
if getattr(config, "qmlir_sanitize", ""):
    config.available_features.add("sanitizer")

# The C API example (examples/capi), built beside the tools.
llvm_config.add_tool_substitutions(
    [ToolSubst("qmlir-capi-example", unresolved="ignore")], tool_dirs)
