"""The reference loop's parts do what the Java trainer does, and the loop learns.

Agreement with the Java implementation itself (generator, schedule, initialisation, optimiser updates) is checked
by the JUnit test ReferenceLoopMatchesJavaTest, which runs tests/java_parity.py. Run from the python/ folder:
/usr/bin/python3 -m unittest discover -s tests -p test_reference_loop.py -v
"""

import gzip
import json
import math
import os
import struct
import tempfile
import types
import unittest

import numpy as np
import torch

from embedstream_torch import losses
from embedstream_torch import reference_loop as loop

CLASSES = 3
SIDE = 8


def stand_in(embedding=8, channels=1, height=SIDE, width=SIDE):
    """A small network with every layer kind the project initialisation has a rule for."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(channels, 4, 3, padding=1), torch.nn.PReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(4 * (height // 2) * (width // 2), embedding))


def synthetic(n, seed):
    """Class k lights up its own third of the rows, plus noise: easy to separate, not trivially."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % CLASSES
    images = rng.integers(0, 90, size=(n, SIDE, SIDE, 1))
    for i, k in enumerate(labels):
        images[i, k * SIDE // CLASSES:(k + 1) * SIDE // CLASSES, :, 0] += 160
    return images.clip(0, 255).astype(np.uint8), labels.astype(np.int64)


def write_idx(path, array):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


class SplitMix64Test(unittest.TestCase):
    def test_vectorised_draws_equal_one_by_one_draws_and_leave_the_same_state(self):
        one, many = loop.SplitMix64(7), loop.SplitMix64(7)
        expected = [np.float32((one.next_double() * 2 - 1) * 0.3) for _ in range(1000)]
        self.assertEqual(expected, many.uniform_symmetric(1000, 0.3).tolist())
        self.assertEqual(one.state, many.state)

    def test_permutation_is_a_permutation_and_depends_on_the_seed(self):
        p = loop.SplitMix64(1).permutation(500)
        self.assertEqual(list(range(500)), sorted(p))
        self.assertNotEqual(p, loop.SplitMix64(2).permutation(500))
        self.assertNotEqual(p, list(range(500)))


class InitialisationTest(unittest.TestCase):
    def test_project_rules(self):
        net = stand_in()
        loop.project_init(net, 42)
        conv, prelu, linear = net[0], net[1], net[4]
        self.assertEqual([0.25], prelu.weight.tolist())
        self.assertEqual(0.0, float(conv.bias.abs().max()) + float(linear.bias.abs().max()))
        for layer, fan_in in ((conv, 9), (linear, 64)):
            bound = math.sqrt(6 / ((1 + 0.25 ** 2) * fan_in))
            self.assertLessEqual(float(layer.weight.abs().max()), bound)
            # Uniform on [-b, b] has standard deviation b / sqrt(3); PyTorch's default would give 1 / sqrt(3 fan_in).
            self.assertAlmostEqual(bound / math.sqrt(3), float(layer.weight.std()), delta=0.15 * bound)

    def test_project_init_is_a_function_of_the_seed(self):
        a, b, c = stand_in(), stand_in(), stand_in()
        loop.project_init(a, 42)
        loop.project_init(b, 42)
        loop.project_init(c, 43)
        self.assertTrue(torch.equal(a[4].weight, b[4].weight))
        self.assertFalse(torch.equal(a[4].weight, c[4].weight))

    def test_project_init_refuses_a_layer_it_has_no_rule_for(self):
        with self.assertRaisesRegex(ValueError, "no rule"):
            loop.project_init(torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.LayerNorm(4)), 1)

    def test_pytorch_init_keeps_the_constructor_defaults(self):
        torch.manual_seed(5)
        net = stand_in()
        bound = 1 / math.sqrt(64)
        self.assertLessEqual(float(net[4].weight.abs().max()), bound)
        self.assertGreater(float(net[4].bias.abs().max()), 0)

    def test_class_weights_are_xavier_uniform_in_both_choices(self):
        for init in loop.INIT_CHOICES:
            w = loop.class_weights_init(10, 16, 42, init)
            self.assertEqual((10, 16), tuple(w.shape))
            self.assertLessEqual(float(w.abs().max()), math.sqrt(6 / 26))


class ScheduleTest(unittest.TestCase):
    def test_cosine_with_warm_up(self):
        s = loop.LearningRateSchedule("cosine:warmup=20", 0.01, 100)
        self.assertAlmostEqual(0.0005, s.at(0), places=9)
        self.assertAlmostEqual(0.01, s.at(19), places=9)
        self.assertAlmostEqual(0.01, s.at(20), places=9)
        self.assertAlmostEqual(0.005, s.at(60), places=8)
        self.assertEqual(0.0, s.at(100))
        self.assertEqual(0.0, s.at(500))

    def test_other_schedules_and_errors(self):
        self.assertEqual(np.float32(0.01), loop.LearningRateSchedule("constant", 0.01, 10).at(7))
        self.assertAlmostEqual(0.0025, loop.LearningRateSchedule("step:every=10,gamma=0.5", 0.01, 0).at(25), 9)
        with self.assertRaisesRegex(ValueError, "unknown"):
            loop.LearningRateSchedule("linear", 0.01, 10)


class OptimiserTest(unittest.TestCase):
    def test_sgd_scales_then_decays_then_applies_momentum(self):
        p = torch.tensor([1.0, -2.0])
        p.grad = torch.tensor([4.0, 8.0])
        sgd = loop.Sgd([p], momentum=0.9, weight_decay=0.1)
        sgd.update(lr=0.5, grad_scale=0.25, step=1)
        first = torch.tensor([1.0, 2.0]) + 0.1 * torch.tensor([1.0, -2.0])  # s g + wd p
        expected = torch.tensor([1.0, -2.0]) - 0.5 * first
        self.assertTrue(torch.allclose(expected, p), p)
        before = p.clone()
        sgd.update(lr=0.5, grad_scale=0.25, step=2)
        second = 0.9 * first + torch.tensor([1.0, 2.0]) + 0.1 * before
        self.assertTrue(torch.allclose(before - 0.5 * second, p), p)

    def test_decay_on_matrices_leaves_biases_and_slopes_alone(self):
        net = stand_in()
        w = torch.ones(CLASSES, 8)
        params, decay = loop.decay_mask(net, w, "matrices")
        self.assertEqual([True, False, False, True, False, True], decay)  # conv w, b, prelu, linear w, b, classes
        self.assertEqual([True] * 6, loop.decay_mask(net, w, "all")[1])


class DataAndEvaluationTest(unittest.TestCase):
    def test_idx_round_trip_with_t10k_names_and_gzip(self):
        images, labels = synthetic(12, 0)
        with tempfile.TemporaryDirectory() as d:
            write_idx(os.path.join(d, "train-images-idx3-ubyte.gz"), images[..., 0])
            write_idx(os.path.join(d, "train-labels-idx1-ubyte.gz"), labels)
            write_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"), images[:5, ..., 0])
            write_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"), labels[:5])
            tx, ty, vx, vy = loop.load_idx_directory(d)
        self.assertTrue(np.array_equal(images, tx))
        self.assertEqual(labels.tolist(), ty.tolist())
        self.assertEqual((5, SIDE, SIDE, 1), vx.shape)
        self.assertEqual(labels[:5].tolist(), vy.tolist())

    def test_input_normalisation_is_the_java_one(self):
        x = loop.to_input(np.array([[[[0], [255]]]], dtype=np.uint8), 0.1307, 0.3081)
        self.assertEqual((1, 1, 1, 2), tuple(x.shape))
        self.assertAlmostEqual(-0.1307 / 0.3081, float(x[0, 0, 0, 0]), places=5)
        self.assertAlmostEqual((1 - 0.1307) / 0.3081, float(x[0, 0, 0, 1]), places=5)

    def test_knn_takes_the_most_cosine_similar_reference_and_the_first_on_ties(self):
        reference = torch.tensor([[1.0, 0.0], [10.0, 0.0], [0.0, 1.0]])
        predicted = loop.knn_predict(reference, [5, 6, 7], torch.tensor([[3.0, 0.1], [0.2, 5.0]]))
        self.assertEqual([5, 7], predicted.tolist())


class TrainingTest(unittest.TestCase):
    def objective_on(self, net, w, images, labels):
        with torch.no_grad():
            net.train()
            return float(losses.CombinedObjective()(net(loop.to_input(images, 0.1307, 0.3081)), labels, w)[0])

    def test_a_few_steps_lower_the_objective(self):
        torch.manual_seed(0)
        images, labels = synthetic(96, 1)
        net = stand_in()
        loop.project_init(net, 3)
        w = loop.class_weights_init(CLASSES, 8, 3, "project")
        before = self.objective_on(net, w, images, labels)
        records = loop.train(net, w, images, labels, epochs=10, batch=24, seed=3)
        after = self.objective_on(net, w, images, labels)
        self.assertEqual(40, len(records))
        self.assertEqual(40, records[-1]["step"])
        self.assertFalse(any(r["skipped"] for r in records))
        self.assertLess(after, 0.8 * before, "objective %.4f -> %.4f" % (before, after))
        # The schedule reached the loop: warm-up from 0.01/20, then the cosine down to 0 at the last step.
        self.assertAlmostEqual(0.0005, records[0]["lr"], places=9)
        self.assertAlmostEqual(0.01, records[20]["lr"], places=9)
        self.assertLess(records[-1]["lr"], 1e-4)

    def test_the_batches_are_the_java_fit_loop_ones(self):
        images, labels = synthetic(50, 2)
        seen = []

        class Recorder(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = stand_in()

            def forward(self, x):
                seen.append(x.clone())
                return self.inner(x)

        loop.train(Recorder(), loop.class_weights_init(CLASSES, 8, 1, "pytorch"), images, labels, epochs=2,
                   batch=16, seed=9)
        rng = loop.SplitMix64(9)
        expected = []
        for _ in range(2):
            order = rng.permutation(50)
            expected += [order[b * 16:(b + 1) * 16] for b in range(50 // 16)]
        self.assertEqual(len(expected), len(seen))
        for index, x in zip(expected, seen):
            self.assertTrue(torch.equal(loop.to_input(images[index], 0.1307, 0.3081), x))

    def test_clipping_reports_the_global_norm_and_steps_stop_at_max_steps(self):
        images, labels = synthetic(48, 4)
        records = loop.train(stand_in(), loop.class_weights_init(CLASSES, 8, 1, "pytorch"), images, labels,
                             epochs=5, max_steps=3, batch=16, clip=1e-3)
        self.assertEqual(3, len(records))
        self.assertTrue(all(r["grad_norm"] > 1e-3 for r in records))

    def test_the_command_trains_and_evaluates_an_idx_directory(self):
        train_x, train_y = synthetic(240, 5)
        test_x, test_y = synthetic(60, 6)
        with tempfile.TemporaryDirectory() as d:
            write_idx(os.path.join(d, "train-images-idx3-ubyte.gz"), train_x[..., 0])
            write_idx(os.path.join(d, "train-labels-idx1-ubyte.gz"), train_y)
            write_idx(os.path.join(d, "test-images-idx3-ubyte.gz"), test_x[..., 0])
            write_idx(os.path.join(d, "test-labels-idx1-ubyte.gz"), test_y)
            out = os.path.join(d, "embeddings.json")
            args = loop.parser().parse_args(["--dataset", "idx:" + d, "--epochs", "3", "--batch", "24",
                                             "--embedding", "8", "--embeddings", out, "--log-every", "1000"])
            result = loop.run(args, factory=stand_in)
            with open(out, encoding="utf-8") as f:
                written = json.load(f)
        self.assertEqual(30, result["steps"])
        # P@1 alone would pass untrained (these classes separate in pixel space); the loss says it learned.
        self.assertLess(result["last_loss"], 0.5 * result["first_loss"], result)
        self.assertEqual(60, result["test_images"])
        self.assertGreaterEqual(result["p_at_1"], 0.9, result)
        self.assertEqual(test_y.tolist(), written["labels"])
        self.assertEqual((60, 8), np.array(written["embeddings"]).shape)

    def test_without_a_factory_the_network_comes_from_embedstream_torch_networks(self):
        built = []
        fake = types.ModuleType("embedstream_torch.networks")
        fake.build = lambda *a: built.append(a) or stand_in(a[1], a[2], a[3], a[4])
        import sys  # pylint: disable=import-outside-toplevel
        previous = sys.modules.get("embedstream_torch.networks")
        sys.modules["embedstream_torch.networks"] = fake
        try:
            loop.network_factory("cm-mnist")(8, 1, SIDE, SIDE)
        finally:
            if previous is None:
                del sys.modules["embedstream_torch.networks"]
            else:
                sys.modules["embedstream_torch.networks"] = previous
        self.assertEqual([("cm-mnist", 8, 1, SIDE, SIDE)], built)

    def test_a_named_factory_replaces_the_networks_module(self):
        self.assertIs(stand_in, loop.network_factory("cm-mnist", __name__ + ":stand_in"))


if __name__ == "__main__":
    unittest.main()
