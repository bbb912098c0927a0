"""The composer the settings name is the one that replies (and the footer says)."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from memory.assistant import get_composer
from memory.assistant.model import ModelComposer
from memory.assistant.offline import OfflineComposer


def test_the_offline_composer_is_the_default_and_the_footer_says_so():
    assert isinstance(get_composer(), OfflineComposer)
    assert settings.RUNTIME_MODES["composer"] == settings.ASSISTANT_COMPOSER


def test_a_configured_chat_model_composes(fake_openai):
    with override_settings(
        **fake_openai.settings_overrides(ASSISTANT_COMPOSER="model")
    ):
        composer = get_composer()
    assert isinstance(composer, ModelComposer)
    assert composer.adapter.chat_model_name == "fake-chat"


def test_an_unknown_composer_is_refused():
    with override_settings(ASSISTANT_COMPOSER="poet"):
        with pytest.raises(ImproperlyConfigured, match="ASSISTANT_COMPOSER"):
            get_composer()
