"""``chainrule trace --compiled`` prints the straight-line program of a formula's value and
gradient (issue 13): the forward pass, then backpropagation, one operation per line."""

from chainrule.cli import main


def test_the_compiled_program_of_a_formula(capsys):
    assert main(["trace", "cos(w1*x + w0)", "--at", "w0=0.5,w1=2,x=1.5", "--compiled"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "inputs: s0 = w0, s1 = w1, s2 = x"
    assert lines[2:5] == ["   1  s3 = multiply(s1, s2)", "   2  s4 = add(s3, s0)",
                          "   3  s5 = cos(s4)"]
    assert "return s5, " in "\n".join(lines)  # the value first, then the three gradients
    assert lines[-1].startswith("(8 operations")
