"""The addresses shown to join a workshop or open the collective's canvases."""

from core.outputs.joining import app_url, join_url


def test_the_join_address_is_the_one_phones_can_reach():
    # The facilitator on the laptop itself: phones get its network address.
    assert join_url(page_url="http://localhost:8501/animer", code="K8HVAN",
                    lan="192.168.1.20") == "http://192.168.1.20:8501/join?code=K8HVAN"
    # Already on the network address: kept.
    assert join_url(page_url="http://192.168.1.20:8501/", code="AB",
                    lan="10.0.0.2") == "http://192.168.1.20:8501/join?code=AB"
    # A public address set by the host wins, with its path.
    assert join_url(page_url="http://localhost:8501/", code="AB", lan="192.168.1.20",
                    public_url="https://atelier.example.org/fabrique") == (
        "https://atelier.example.org/fabrique/join?code=AB")


def test_a_page_on_the_projector_server_sends_phones_to_the_app_server():
    assert join_url(page_url="http://localhost:8502/projector?w=3", code="AB",
                    lan="192.168.1.20", port=8501) == "http://192.168.1.20:8501/join?code=AB"
    # A public address is taken as it is.
    assert join_url(page_url="http://localhost:8502/", code="AB", port=8501,
                    public_url="https://atelier.example.org") == (
        "https://atelier.example.org/join?code=AB")
    assert app_url(page_url="http://[::1]:8502/", path="/canvas", query={"k": "x"},
                   port=8501) == "http://[::1]:8501/canvas?k=x"
