"""Act 2's exercises as the reader sees them: starter code and reference solutions.

The page includes each region with pymdownx.snippets; exercises/act2.py checks them. This file
is never imported: each region runs on its own, in the reader's browser or in the tests.
"""

# --8<-- [start:predict_reuse_starter]
from microgpt.engine import Value

a = Value(3.0)
out = a * a + a  # a is used three times
out.backward()
print(a.grad)

# What does the line above print? Type it between the quotes, then press Check.
prediction = ""
# --8<-- [end:predict_reuse_starter]

# --8<-- [start:predict_reuse_solution]
from microgpt.engine import Value

a = Value(3.0)
out = a * a + a  # a is used three times
out.backward()
print(a.grad)

# d(a*a + a)/da = 2a + 1 = 7 at a = 3: each use of a adds its share with +=.
prediction = "7.0"
# --8<-- [end:predict_reuse_solution]

# --8<-- [start:break_accumulate_starter]
from microgpt.engine import Value


def backward(root):
    """Value.backward() as a function: children after parents, chain rule, +=."""
    order, visited = [], set()

    def visit(node):  # recursive: fine for these small graphs
        if node not in visited:
            visited.add(node)
            for child in node._children:
                visit(child)
            order.append(node)

    visit(root)
    root.grad = 1
    for node in reversed(order):
        for child, local_grad in zip(node._children, node._local_grads):
            child.grad += local_grad * node.grad


a = Value(3.0)
out = a * a + a
backward(out)
print("d(out)/da =", a.grad)

# Once it is broken, which Values get a wrong gradient:
# "all", "reused" or "none"?
wrong = ""
# --8<-- [end:break_accumulate_starter]

# --8<-- [start:break_accumulate_solution]
from microgpt.engine import Value


def backward(root):
    """Value.backward() as a function: children after parents, chain rule, and
    broken: = instead of +=."""
    order, visited = [], set()

    def visit(node):  # recursive: fine for these small graphs
        if node not in visited:
            visited.add(node)
            for child in node._children:
                visit(child)
            order.append(node)

    visit(root)
    root.grad = 1
    for node in reversed(order):
        for child, local_grad in zip(node._children, node._local_grads):
            # = instead of +=: the last path to arrive overwrites the others.
            child.grad = local_grad * node.grad


a = Value(3.0)
out = a * a + a
backward(out)
print("d(out)/da =", a.grad)

# A Value used once has one path to the output, and = keeps it;
# a reused one loses all but one.
wrong = "reused"
# --8<-- [end:break_accumulate_solution]

# --8<-- [start:extend_tanh_starter]
import math

from microgpt.engine import Value


def tanh(a):
    """tanh of a Value, as a new Value that knows its local gradient."""
    t = math.tanh(a.data)
    local_grad = 0.0  # replace with d(tanh a)/da, written with t
    return Value(t, (a,), (local_grad,))


x = Value(0.5)
y = tanh(x)
y.backward()
print(f"tanh(0.5) = {y.data:.4f}, gradient {x.grad:.4f}")
# --8<-- [end:extend_tanh_starter]

# --8<-- [start:extend_tanh_solution]
import math

from microgpt.engine import Value


def tanh(a):
    """tanh of a Value, as a new Value that knows its local gradient."""
    t = math.tanh(a.data)
    local_grad = 1 - t**2  # d(tanh a)/da = 1 - tanh(a)**2
    return Value(t, (a,), (local_grad,))


x = Value(0.5)
y = tanh(x)
y.backward()
print(f"tanh(0.5) = {y.data:.4f}, gradient {x.grad:.4f}")
# --8<-- [end:extend_tanh_solution]
