"""Telegram channels: the faults a review found (a second pair of eyes trying to break it
as a user and as an attacker), each end to end against the local t.me (telegram.py)."""

import json

import httpx
import pytest
from telegram import Post, Telegram, channel_page

import warnews

NAME = "kyivnews"


class Gone(Telegram):
    """t.me that answers 404 for one channel's page."""

    def handle(self, request):
        if request.path.startswith("/s/gonechan"):
            self.requests.append(request.path)
            request.reply(404, b"<h1>Not found</h1>")
            return
        super().handle(request)


@pytest.fixture
def telegram():
    with Gone() as server:
        yield server


@pytest.fixture
def environment(environment, telegram):
    return {**environment, "WARNEWS_TELEGRAM_URL": telegram.base_url}


def lines(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


def news(n, where="Києві"):
    return Post(n, f"Новина номер {n}: у {where} працює ППО.", time=f"2024-01-0{min(n, 9)}T10:00:00+00:00")


def test_fetch_force_of_an_edited_post_reads_its_own_page_again(run, telegram, tmp_path):
    channel = telegram.channel(NAME, "Київ", [news(n) for n in range(1, 6)])
    assert run("feed", f"@{NAME}", "-o", "out").returncode == 0
    channel.edit(4, "Новина номер 4: у Львові теж працює ППО.")
    forced = run("fetch", f"https://t.me/{NAME}/4", "-o", "out", "--force")
    assert forced.returncode == 0, forced.stderr
    assert telegram.requests[-1] == f"/{NAME}/4?embed=1&mode=tme"  # its own page, read again
    assert "u Lviv tezh" in (tmp_path / forced.stdout.strip()).read_text(
        encoding="utf-8"
    )  # Львові: the glossary's


def test_a_forgotten_post_is_read_again_by_the_next_run(run, telegram):
    telegram.channel(NAME, "Київ", [news(n) for n in range(1, 6)])
    assert run("feed", f"@{NAME}", "-o", "out").returncode == 0
    assert run("forget", f"https://t.me/{NAME}/4").returncode == 0
    again = run("feed", f"@{NAME}", "-o", "out", "--json")
    assert again.returncode == 0, again.stderr
    assert [line["url"] for line in lines(again)] == [f"https://t.me/{NAME}/4"]


def test_a_channel_t_me_answers_404_for_is_no_public_channel(run, telegram):
    result = run("feed", "@gonechan", "-o", "out")
    assert result.returncode == 1
    assert result.stderr.startswith("warnews: error: https://t.me/s/gonechan: no public channel @gonechan")


@pytest.mark.parametrize(
    "spelling", ["https://t.me/s/kyivnews/3", "T.ME/KyivNews/3/", "https://telegram.me/kyivnews/3?single"]
)
def test_a_post_is_recorded_by_its_permalink_however_it_was_named(run, telegram, spelling):
    telegram.channel(NAME, "Київ", [news(n) for n in range(1, 6)])
    assert run("fetch", spelling, "-o", "out").returncode == 0
    shown = run("show", f"https://t.me/{NAME}/3", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["url"].lower() == f"https://t.me/{NAME}/3"  # usernames ignore case


@pytest.mark.parametrize("name", ["https://t.me/s/kyivnews", "@kyivnews", "t.me/kyivnews"])
def test_fetch_of_a_channel_is_refused_with_what_to_run(run, telegram, name):
    telegram.channel(NAME, "Київ", [news(n) for n in range(1, 6)])
    result = run("fetch", name, "-o", "out")
    assert result.returncode == 1
    assert result.stderr == (
        "warnews: error: https://t.me/s/kyivnews: a Telegram channel, not an article: to translate its"
        " posts, warnews feed https://t.me/s/kyivnews\n"
    )
    assert telegram.requests == []


def test_the_library_refuses_a_channel_without_asking_t_me():
    from telegram import Channel

    channel = Channel(NAME, "Київ", posts=[news(n) for n in range(1, 26)])
    asked = []

    def answer(request):
        asked.append(str(request.url))
        return httpx.Response(200, html=channel_page(channel, None))

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        with pytest.raises(warnews.FetchError, match=r"warnews feed https://t\.me/s/kyivnews"):
            warnews.fetch("https://t.me/s/kyivnews", client=client, telegram_url="https://tme.example")
    assert asked == []


def test_an_english_post_in_a_ukrainian_channel_is_english(run, telegram, tmp_path):
    posts = [news(n) for n in range(1, 7)]
    posts.append(Post(7, "Air raid alert in the Kyiv region: everyone go to the shelters now."))
    telegram.channel(NAME, "Київ", posts)
    result = run("feed", f"@{NAME}", "-o", "out", "--json")
    (english,) = [line for line in lines(result) if line["url"] == f"https://t.me/{NAME}/7"]
    assert english["language"] == "en"
    first_line = (tmp_path / english["path"]).read_text(encoding="utf-8").splitlines()[0]
    assert first_line.endswith("Original in English")


def test_script_and_style_in_a_posts_markup_are_not_its_text(run, telegram, tmp_path):
    text = "Вибухи у Києві.<script>document.write('ЗЛАМАНО')</script><style>.x{color:red}</style>"
    telegram.channel(NAME, "Київ", [Post(1, text)])
    result = run("feed", f"@{NAME}", "-o", "out", "--json")
    saved = (tmp_path / lines(result)[0]["path"]).read_text(encoding="utf-8")
    assert "document" not in saved and "color" not in saved and "ZLAMANO" not in saved.upper()


def test_a_429_holds_back_the_other_channels_pages_until_its_retry(run, telegram):
    telegram.channel("aaaaa", "А", [news(1)])
    telegram.channel("bbbbb", "Б", [news(2)])
    telegram.throttle_next, telegram.retry_after = 1, "2"
    result = run("feed", "@aaaaa", "@bbbbb", "-o", "out")
    assert result.returncode == 0, result.stderr
    # Whichever page came first was answered 429: nothing was sent to t.me for 2 s.
    assert telegram.throttled == 1 and telegram.times[1] - telegram.times[0] >= 1.9


def test_verbose_names_the_service_messages_passed_over(run, telegram):
    telegram.channel(NAME, "Київ", [news(1), Post(2, "Channel pinned a message", service=True)])
    result = run("feed", f"@{NAME}", "-o", "out", "-v")
    assert result.returncode == 0, result.stderr
    assert f"passed over https://t.me/{NAME}/2: a service message, not an article" in result.stderr


def test_a_forward_and_its_original_are_one_article_whichever_comes_first(run, telegram, tmp_path):
    text = "Енергетики відновили живлення на Оболоні."
    telegram.channel("sourcech", "Джерело", [Post(55, text)])
    telegram.channel(NAME, "Київ", [Post(5, text, forwarded=("Джерело", "https://t.me/sourcech/55"))])
    first = run("feed", f"@{NAME}", "-o", "out", "--json")
    assert [line["status"] for line in lines(first)] == ["done"]
    second = run("feed", "@sourcech", "-o", "out", "--json")
    (original,) = lines(second)
    assert (original["status"], original["reason"]) == ("skipped", f"same article as https://t.me/{NAME}/5")
    assert len(list((tmp_path / "out").glob("*.txt"))) == 1


@pytest.mark.parametrize("source", ["@kyivnews", "https://t.me/s/KyivNews", "t.me/kyivnews"])
def test_list_takes_a_channel_however_it_is_named(run, telegram, source):
    telegram.channel(NAME, "Київ", [news(n) for n in range(1, 4)])
    assert run("feed", f"@{NAME}", "-o", "out").returncode == 0
    listed = run("list", "--source", source, "--json")
    assert len(lines(listed)) == 3
