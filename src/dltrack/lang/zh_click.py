"""Simplified Chinese for the words typer and click print: help headings, usage errors.

Their English is click's own, filled in by click; ``lang.tr_filled`` finds the
template of each sentence (``cli.click_words``). tests/test_language.py provokes each
of them and fails when click's wording no longer matches one here.
"""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, str]] = {
    # ---------------------------------------------------------------- the help
    "Usage: ": "用法：",
    ":": "：",
    "; ": "；",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": "显示当前 shell 的补全脚本，便于复制或自行安装。",
    # ---------------------------------------------------------------- usage errors
    "No such option: {name}": "没有这个选项：{name}",
    "{message} (Possible options: {names})": "{message}（可用的选项：{names}）",
    "No such command {name}.": "没有这个命令：{name}。",
    "No such command {name}. Did you mean {names}?": "没有这个命令：{name}。你是不是想输入 {names}？",
    "Missing argument {name}.": "缺少参数 {name}。",
    "Missing option {name}.": "缺少选项 {name}。",
    "Invalid value for {hint}: {message}": "{hint} 的值无效：{message}",
    "{value} is not a valid int range.": "{value} 不是有效的整数。",
    "{value} is not a valid float range.": "{value} 不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 超出了范围 {range}。",
    "{value} is not one of {choices}.": "{value} 不是可选的值；可选：{choices}。",
    "Got unexpected extra argument(s) ({args})": "多出了参数（{args}）",
    "Option {name} requires an argument.": "选项 {name} 需要一个值。",
    "Option {name} does not take a value.": "选项 {name} 不接受值。",
}
