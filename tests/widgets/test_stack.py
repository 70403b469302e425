import pytest
import traitlets

from grader.widgets import StackWidget
from grader.widgets.stack import picture


def test_containers_share_the_kernel_and_carry_no_os():
    widget = StackWidget()
    assert widget.mode == "containers"
    assert len(widget.stack["columns"]) == 3
    carried = [layer["name"] for layer in widget.stack["columns"][0]["layers"]]
    assert not any("operating system" in name for name in carried)
    assert any("kernel" in layer for layer in widget.stack["shared"])
    assert "kernel, shared by every container" in widget.description


def test_toggling_to_vms_recomputes_layers_sizes_and_start_time():
    widget = StackWidget()
    containers_size = widget.stack["total_size_mb"]
    widget.mode = "vms"
    carried = [layer["name"] for layer in widget.stack["columns"][0]["layers"]]
    assert any("guest operating system" in name for name in carried)
    assert "hypervisor" in widget.stack["shared"]
    assert widget.stack["total_size_mb"] > 20 * containers_size
    assert widget.stack["start_seconds"] > 10 * picture("containers", 1)["start_seconds"]
    assert "3 virtual machines" in repr(widget)


def test_instance_count_is_clamped_and_scales_the_total():
    widget = StackWidget(instances=1)
    one = widget.stack["total_size_mb"]
    widget.instances = 99
    assert widget.instances == 5
    assert widget.stack["total_size_mb"] == 5 * one


def test_unknown_mode_is_refused():
    widget = StackWidget()
    with pytest.raises(traitlets.TraitError):
        widget.mode = "bare metal"


def test_plain_text_bundle_is_the_full_text_alternative():
    widget = StackWidget()
    data = widget._repr_mimebundle_()
    bundle = data[0] if isinstance(data, tuple) else data
    assert bundle["text/plain"] == widget.description
    assert len(bundle["text/plain"]) > 110
