#!/usr/bin/env python3
"""One peer framework's measurement of BiT-R50x1, for `modelcheck bench --compare`.

Each call measures one (framework, task) in its own process, so that the peak memory it
reports is that task's alone, and prints one JSON line:
  {"peer": ..., "task": ..., "images_per_iteration": ..., "images_per_second": [per iteration], "peak_bytes": ...}
or {"peer": ..., "task": ..., "unavailable": "why"} when the framework is not installed.

Frameworks (pip install torch timm onnxruntime onnx openvino tensorflow-cpu):
  pytorch     timm's resnetv2_50x1_bit, NCHW (PyTorch's default)
  pytorch-cl  the same model in channels-last memory format
  onnxruntime the same model exported to ONNX with weight standardisation folded into the
              kernels once (as a deployer exports it), ORT_ENABLE_ALL graph optimisations
  openvino    Intel's CPU inference engine on the same ONNX file, float32 (its default on
              CPUs with AVX512_BF16 or AMX would be bfloat16, which changes the numbers)
  tensorflow  BiT-R50x1 written with Keras layers (standardised convs, GroupNorm), as the
              official TF2 code builds it
  tensorflow-xla  the same, compiled with jit_compile=True
Tasks: infer (batch B forward, no gradients), train (forward, backward, SGD-momentum step).
Weights are random: speed does not depend on their values.
"""
import argparse, json, os, resource, sys, time


def peak_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# Images each timed iteration covers at least, as in modelcheck's EngineBenchmark: a small
# batch is called that many times in a row, so no iteration is one 20 ms call alone.
IMAGES_PER_ITERATION = 32


def calls_per_iteration(batch):
    return -(-IMAGES_PER_ITERATION // batch)


def timed(fn, batch, iterations):
    fn()  # warm-up: allocations, graph compilation, kernel selection
    calls = calls_per_iteration(batch)
    rates = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        rates.append(batch * calls / (time.perf_counter() - t0))
    return rates


def torch_model(threads, classes):
    import torch, timm
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    return torch, timm.create_model("resnetv2_50x1_bit", pretrained=False, num_classes=classes)


def run_pytorch(task, batch, res, threads, iterations, channels_last):
    torch, model = torch_model(threads, 2)
    x = torch.rand(batch, 3, res, res) * 2 - 1
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    if task == "infer":
        model.eval()
        def step():
            with torch.inference_mode():
                model(x)
    else:
        model.train()
        labels = torch.arange(batch) % 2
        opt = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()
        def step():
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x), labels).backward()
            opt.step()
    return timed(step, batch, iterations)


# How far the folded model's logits may lie from timm's own model on the same input (relative to
# the largest logit); folding is exact in PyTorch (measured: 0).
FOLDED_TOLERANCE = 1e-5
# How far a runtime's logits on the export may lie from timm's: its kernels sum in another order
# (measured on ONNX Runtime: 1.6e-5, the same with the unfolded export).
RUNTIME_TOLERANCE = 1e-4


def relative_difference(got, reference):
    import numpy as np
    return float(np.max(np.abs(np.asarray(got) - reference)) / max(float(np.max(np.abs(reference))), 1e-30))


def folded_onnx(threads, res):
    """timm's model exported to ONNX as a deployer would: every weight-standardised convolution
    replaced by a plain one whose kernel is standardised once, instead of on every call.

    Checks the folded model against timm's within FOLDED_TOLERANCE, and returns the file and a
    check(logits_of) that runs the export on the same images and raises when a runtime's logits
    differ from timm's by more than RUNTIME_TOLERANCE; check returns that difference."""
    import tempfile
    torch, model = torch_model(threads, 2)
    # A non-zero head, so that the check compares logits that depend on every layer.
    torch.nn.init.normal_(model.get_classifier().weight, std=0.1)
    model.eval()
    check_input = torch.rand(2, 3, res, res) * 2 - 1
    with torch.inference_mode():
        reference = model(check_input).numpy()

    def fold(module):
        for name, child in module.named_children():
            if hasattr(child, "eps") and isinstance(child, torch.nn.Conv2d):
                with torch.no_grad():
                    w = child.weight
                    standardised = torch.nn.functional.batch_norm(
                        w.reshape(1, w.shape[0], -1), None, None, training=True, momentum=0.0, eps=child.eps).reshape_as(w)
                    plain = torch.nn.Conv2d(child.in_channels, child.out_channels, child.kernel_size, child.stride,
                                            child.padding, child.dilation, child.groups, child.bias is not None)
                    plain.weight.copy_(standardised)
                    if child.bias is not None:
                        plain.bias.copy_(child.bias)
                setattr(module, name, plain)
            else:
                fold(child)
    fold(model)
    with torch.inference_mode():
        folded = relative_difference(model(check_input).numpy(), reference)
    if not folded <= FOLDED_TOLERANCE:
        raise Unavailable(f"the folded model's logits differ from timm's by {folded:.2e} (relative), over {FOLDED_TOLERANCE}")
    path = os.path.join(tempfile.mkdtemp(), "bit.onnx")
    kwargs = dict(input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}}, opset_version=17)
    try:
        torch.onnx.export(model, (check_input[:1],), path, dynamo=False, **kwargs)
    except TypeError:
        torch.onnx.export(model, (check_input[:1],), path, **kwargs)

    def check(logits_of):
        difference = relative_difference(logits_of(check_input.numpy()), reference)
        if not difference <= RUNTIME_TOLERANCE:
            raise Unavailable(f"the runtime's logits on the folded export differ from timm's by {difference:.2e} (relative), over {RUNTIME_TOLERANCE}")
        return difference
    return path, check


def run_onnxruntime(task, batch, res, threads, iterations):
    if task != "infer":
        raise Unavailable("ONNX Runtime does not train this model")
    import numpy as np, onnxruntime as ort
    path, check = folded_onnx(threads, res)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    difference = check(lambda x: session.run(None, {"x": x})[0])
    x = (np.random.default_rng(0).random((batch, 3, res, res), dtype=np.float32) * 2 - 1)
    return timed(lambda: session.run(None, {"x": x}), batch, iterations), difference


def run_openvino(task, batch, res, threads, iterations):
    if task != "infer":
        raise Unavailable("OpenVINO does not train")
    import numpy as np, openvino as ov
    path, check = folded_onnx(threads, res)
    core = ov.Core()
    config = {"INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32"}
    checker = core.compile_model(core.read_model(path), "CPU", config)
    difference = check(lambda x: checker(x)[0])
    # Compiled for the timed batch's static shape, as a deployment with a fixed batch would.
    model = core.read_model(path)
    model.reshape([batch, 3, res, res])
    compiled = core.compile_model(model, "CPU", config)
    request = compiled.create_infer_request()
    x = (np.random.default_rng(0).random((batch, 3, res, res), dtype=np.float32) * 2 - 1)
    return timed(lambda: request.infer({0: x}), batch, iterations), difference


def keras_bit_r50x1(res, classes):
    """BiT-R50x1 as the official TF2 code builds it: NHWC, weight-standardised convs, GroupNorm(32)."""
    import tensorflow as tf
    keras = tf.keras

    class StandardizedConv2D(keras.layers.Conv2D):
        def convolution_op(self, inputs, kernel):
            mean, var = tf.nn.moments(kernel, axes=[0, 1, 2], keepdims=True)
            return super().convolution_op(inputs, (kernel - mean) / tf.sqrt(var + 1e-10))

    def conv(filters, size, stride=1):
        return StandardizedConv2D(filters, size, strides=stride, padding="same", use_bias=False)

    def gn_relu(x):
        return keras.layers.ReLU()(keras.layers.GroupNormalization(groups=32, epsilon=1e-5)(x))

    def unit(x, mid, out, stride):
        p = gn_relu(x)
        shortcut = conv(out, 1, stride)(p) if (stride != 1 or x.shape[-1] != out) else x
        h = conv(mid, 1)(p)
        h = conv(mid, 3, stride)(gn_relu(h))
        h = conv(out, 1)(gn_relu(h))
        return keras.layers.Add()([h, shortcut])

    inputs = keras.Input((res, res, 3))
    x = conv(64, 7, 2)(inputs)
    x = keras.layers.ZeroPadding2D(1)(x)
    x = keras.layers.MaxPooling2D(3, 2)(x)
    for stage, (units, mid) in enumerate([(3, 64), (4, 128), (6, 256), (3, 512)]):
        for u in range(units):
            x = unit(x, mid, mid * 4, 2 if (u == 0 and stage > 0) else 1)
    x = gn_relu(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(classes, kernel_initializer="zeros")(x))


def run_tensorflow(task, batch, res, threads, iterations, xla):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np, tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    model = keras_bit_r50x1(res, 2)
    x = tf.constant(np.random.default_rng(0).random((batch, res, res, 3), dtype=np.float32) * 2 - 1)
    if task == "infer":
        infer = tf.function(lambda x: model(x, training=False), jit_compile=xla)
        return timed(lambda: infer(x).numpy(), batch, iterations)
    labels = tf.constant(np.arange(batch) % 2)
    opt = tf.keras.optimizers.SGD(learning_rate=1e-4, momentum=0.9)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function(jit_compile=xla)
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss
    return timed(lambda: step(x, labels).numpy(), batch, iterations)


class Unavailable(Exception):
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("peer", choices=["pytorch", "pytorch-cl", "onnxruntime", "openvino", "tensorflow", "tensorflow-xla"])
    ap.add_argument("task", choices=["infer", "train"])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--resolution", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=3)
    a = ap.parse_args()
    result = {"peer": a.peer, "task": a.task, "batch": a.batch, "images_per_iteration": a.batch * calls_per_iteration(a.batch)}
    try:
        if a.peer.startswith("pytorch"):
            rates = run_pytorch(a.task, a.batch, a.resolution, a.threads, a.iterations, a.peer == "pytorch-cl")
        elif a.peer in ("onnxruntime", "openvino"):
            run = run_onnxruntime if a.peer == "onnxruntime" else run_openvino
            rates, difference = run(a.task, a.batch, a.resolution, a.threads, a.iterations)
            result["folded_logit_difference"] = difference
        else:
            rates = run_tensorflow(a.task, a.batch, a.resolution, a.threads, a.iterations, a.peer == "tensorflow-xla")
        result.update(images_per_second=rates, peak_bytes=peak_bytes())
    except ImportError as e:
        result["unavailable"] = f"not installed ({e.name})"
    except Unavailable as e:
        result["unavailable"] = str(e)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
